using Enas.Search.Controller;

namespace Enas.Search.Loop;

/// <summary>What the one search loop needs to know, whatever the task.</summary>
public sealed record LoopOptions
{
    /// <summary>Search epochs (one shared-training pass, then one controller phase, each).</summary>
    public int Epochs { get; init; }

    /// <summary>"random" (uniform sampling, nothing learned), "fixed" (always <see cref="FixedArchitecture"/>) or
    /// anything else for the LSTM policy.</summary>
    public string Controller { get; init; } = "enas";

    /// <summary>The one architecture a "fixed" controller samples (official tokens).</summary>
    public int[]? FixedArchitecture { get; init; }

    /// <summary>The controller's settings.</summary>
    public ControllerOptions ControllerSettings { get; init; } = new();

    /// <summary>Controller samples per epoch.</summary>
    public int ControllerSamples { get; init; }

    /// <summary>Samples whose gradients are averaged per controller update.</summary>
    public int ControllerAggregate { get; init; } = 1;

    /// <summary>Leading epochs whose children are drawn uniformly and after which the controller is not trained.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>Architectures drawn by derive.</summary>
    public int DeriveSamples { get; init; }
}
