namespace Enas.Search.Training;

/// <summary>Scalar state of a search saved in every checkpoint's metadata (tensors are saved alongside).</summary>
public sealed record SearchState
{
    /// <summary>The format version this build writes and reads (1: every checkpoint so far, CNN and recurrent).</summary>
    public const int CurrentVersion = 1;
    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>Epochs completed.</summary>
    public int EpochsDone { get; init; }
    /// <summary>REINFORCE baseline.</summary>
    public double Baseline { get; init; }
    /// <summary>Controller Adam steps.</summary>
    public long ControllerSteps { get; init; }
    /// <summary>Child SGD steps.</summary>
    public long ChildSteps { get; init; }
    /// <summary>Validation minibatches consumed by rewards so far.</summary>
    public long RewardBatches { get; init; }
    /// <summary>State of the generator that samples architectures for shared training.</summary>
    public ulong[] TrainRng { get; init; } = [];
    /// <summary>State of the generator that samples architectures for the controller.</summary>
    public ulong[] ControllerRng { get; init; } = [];
    /// <summary>State of the generator for dropout / drop-path.</summary>
    public ulong[] DropoutRng { get; init; } = [];
    /// <summary>Length of metrics.jsonl when the checkpoint was written (resume truncates to it).</summary>
    public long MetricsBytes { get; init; }
    /// <summary>The resolved config the run was started with (resume refuses a different one).</summary>
    public string ConfigJson { get; init; } = "";
    /// <summary>Recurrent search: each epoch's shared training as the divergence check saw it (null, and left out of
    /// the metadata, for CNN searches).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<RnnEpochHealth>? RnnEpochs { get; init; }
}
