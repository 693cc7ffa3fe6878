using Enas.Engine;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>
/// The ENAS LSTM policy (CPU): the weights of <see cref="PolicyNetwork"/>, sized by the space's
/// <see cref="ISearchSpace.Vocabulary"/>, and the space's sampler, which orders the decisions
/// (<see cref="MicroSampler"/>, <see cref="MacroSampler"/>, <see cref="RnnSampler"/>).
/// </summary>
public class LstmController : IController
{
    private readonly PolicyNetwork _network;
    private readonly IPolicySampler _sampler;
    private readonly ControllerOptions _o;

    /// <summary>Creates the controller for the micro, macro or recurrent <paramref name="space"/> with weights drawn
    /// from <paramref name="seed"/>.</summary>
    public LstmController(ISearchSpace space, ControllerOptions options, ulong seed)
    {
        Space = space;
        _o = options;
        _sampler = SamplerFor(space, options);
        _network = new PolicyNetwork(space.Vocabulary, options.Hidden, seed);
    }

    /// <inheritdoc />
    public ISearchSpace Space { get; }

    /// <inheritdoc />
    public bool Learns => true;

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _network.Parameters;

    /// <inheritdoc />
    public ControllerSample Sample(XoshiroRandom rng, bool greedy = false) =>
        _sampler.Sample(new PolicyRun(_network, _o, rng, greedy));

    /// <inheritdoc />
    public void Dispose()
    {
        _network.Dispose();
        GC.SuppressFinalize(this);
    }

    private static IPolicySampler SamplerFor(ISearchSpace space, ControllerOptions options) => space switch
    {
        MicroSpace micro => new MicroSampler(micro, options),
        MacroSpace macro => new MacroSampler(macro, options),
        RnnSpace rnn => new RnnSampler(rnn),
        _ => throw new ArgumentException($"no controller for space '{space.Name}'"),
    };
}
