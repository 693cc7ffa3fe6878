namespace Enas.Search.Training;

/// <summary>
/// Scalar state of a <c>train</c> run saved in its checkpoint's metadata after every epoch (the weights, batch-norm
/// statistics and optimiser velocities are saved alongside as tensors).
/// </summary>
public sealed record RetrainState
{
    /// <summary>The value of <see cref="Kind"/> that marks a train checkpoint (a search checkpoint has none).</summary>
    public const string TrainKind = "train";

    /// <summary>What wrote the checkpoint: <see cref="TrainKind"/> (empty when read from another kind of checkpoint).</summary>
    public string Kind { get; init; } = "";
    /// <summary>Format version.</summary>
    public int Version { get; init; } = 1;
    /// <summary>Epochs completed.</summary>
    public int EpochsDone { get; init; }
    /// <summary>SGD steps taken.</summary>
    public long Steps { get; init; }
    /// <summary>State of the generator for dropout / drop-path (the batches are a pure function of the seed).</summary>
    public ulong[] DropoutRng { get; init; } = [];
    /// <summary>Length of metrics.jsonl when the checkpoint was written (resume truncates to it).</summary>
    public long MetricsBytes { get; init; }
    /// <summary>Training seconds spent so far, over every process that worked on the run.</summary>
    public double Seconds { get; init; }
    /// <summary>Training accuracy of the last completed epoch.</summary>
    public double TrainAccuracy { get; init; }
    /// <summary>Test accuracy after the last completed epoch.</summary>
    public double TestAccuracy { get; init; }
    /// <summary>Trainable scalars of the network.</summary>
    public long Parameters { get; init; }
    /// <summary>The trained architecture as the official integer string.</summary>
    public string Architecture { get; init; } = "";
    /// <summary>The resolved config the run was trained with (resume refuses a different one).</summary>
    public string ConfigJson { get; init; } = "";
}
