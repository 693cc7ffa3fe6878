namespace Enas.Search.Controller;

/// <summary>The order of one space's decisions: what the LSTM reads, which head decides, which tokens come
/// out.</summary>
internal interface IPolicySampler
{
    /// <summary>Samples one architecture in <paramref name="run"/>.</summary>
    ControllerSample Sample(PolicyRun run);
}
