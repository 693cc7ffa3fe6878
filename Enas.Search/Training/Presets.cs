using Enas.Search.Controller;

namespace Enas.Search.Training;

/// <summary>Named settings: the official ENAS CIFAR-10 scripts (enas-reference §5.1, §4.1) and the CPU default.</summary>
public static class Presets
{
    /// <summary>Names accepted by <c>--preset</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["cpu", "paper-micro", "paper-macro"];

    /// <summary>
    /// The CPU default: the property defaults (the paper's controller, sized for 2 cores) with the controller that
    /// measurably learns on them (perf/RESULTS.md, "CNN controller that moves"): each step's 5 samples scored on the
    /// same 4 validation batches with leave-one-out advantages, Adam epsilon 1e-8, 20 steps per epoch; and a retrain
    /// sized for search + retrain in about 2 hours on 2 cores (perf/RESULTS.md, "The 2-hour CPU recipe"). Kept out of
    /// the property defaults so that a config.json written before, which leaves these fields out, resumes as it ran.
    /// </summary>
    public static SearchOptions Cpu => new()
    {
        ControllerSteps = 20, RewardBatches = 4,
        ControllerSettings = new ControllerOptions { PairedReward = true, AdamEpsilon = 1e-8 },
        Retrain = new RetrainOptions { Epochs = 14, DropPathKeep = 0.9 },
    };

    /// <summary>The preset called <paramref name="name"/>.</summary>
    public static SearchOptions Get(string name) => name switch
    {
        "cpu" => Cpu,
        "paper-micro" => new SearchOptions
        {
            Space = "micro", Nodes = 5, Layers = 6, Channels = 20, Epochs = 150, BatchSize = 160, TrainSubset = 0,
            ValidationSize = 5000, ControllerSteps = 30, ControllerAggregate = 10, LrMax = 0.05, LrMin = 0.0005,
            L2 = 1e-4, AuxHead = true, DropoutKeep = 0.9, ControllerSettings = new ControllerOptions(),
            DeriveSamples = 100, DeriveBatches = 8, // official: 1 batch; 8 so the winner is not binomial noise
            Retrain = new RetrainOptions
            {
                Epochs = 630, Channels = 36, Layers = 15, BatchSize = 144, LrMax = 0.05, LrMin = 0.0001, L2 = 2e-4,
                DropoutKeep = 0.8, DropPathKeep = 0.6, AuxHead = true, Cutout = 16, CropPadding = 4, Network = "final",
            },
        },
        "paper-macro" => new SearchOptions
        {
            Space = "macro", Layers = 12, Channels = 36, Epochs = 310, BatchSize = 128, TrainSubset = 0,
            ValidationSize = 5000, ControllerSteps = 50, ControllerAggregate = 20, LrMax = 0.05, LrMin = 0.0005,
            L2 = 2.5e-4, DropoutKeep = 0.9, ControllerSettings = ControllerOptions.ForMacro(),
            DeriveSamples = 100, DeriveBatches = 8, // official: 1 batch; 8 so the winner is not binomial noise
            Retrain = new RetrainOptions
            {
                Epochs = 310, Channels = 96, Layers = 0, BatchSize = 100, LrMax = 0.05, LrMin = 0.001, L2 = 2e-4,
                DropoutKeep = 0.5, DropPathKeep = 1, AuxHead = false, CropPadding = 4, Network = "final",
            },
        },
        _ => throw new ArgumentException($"unknown preset '{name}' (allowed: {string.Join(", ", Names)})"),
    };
}
