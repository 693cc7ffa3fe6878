using System.Text.Json.Serialization;

namespace Enas.Search.Controller;

/// <summary>
/// Controller settings. Defaults follow the official CIFAR micro search (enas-reference §4.1); use
/// <see cref="ForMacro"/> for the macro defaults.
/// </summary>
public sealed record ControllerOptions
{
    /// <summary>LSTM hidden size (64 in the official CIFAR code).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Logit temperature (null: none, as for CIFAR).</summary>
    public double? Temperature { get; init; }

    /// <summary>tanh constant c: logits become c·tanh(logits) (1.10 micro, 1.5 macro).</summary>
    public double? TanhConstant { get; init; } = 1.10;

    /// <summary>Micro op logits use c / this (2.5).</summary>
    public double OpTanhReduce { get; init; } = 2.5;

    /// <summary>Adam learning rate (3.5e-3 micro, 1e-3 macro); beta1 = 0, epsilon = 1e-3.</summary>
    public double LearningRate { get; init; } = 3.5e-3;

    /// <summary>Adam epsilon (1e-3 in the official code).</summary>
    public double AdamEpsilon { get; init; } = 1e-3;

    /// <summary>Entropy bonus weight added to the reward.</summary>
    public double EntropyWeight { get; init; } = 1e-4;

    /// <summary>Baseline EMA decay.</summary>
    public double BaselineDecay { get; init; } = 0.99;

    /// <summary>Macro skip target rate ρ.</summary>
    public double SkipTarget { get; init; } = 0.4;

    /// <summary>Macro skip-penalty weight.</summary>
    public double SkipWeight { get; init; } = 0.8;

    /// <summary>Micro: add the vocabulary's constant op prior (the +0.25 sep-conv prior) on the normal cell.</summary>
    public bool OpPrior { get; init; } = true;

    /// <summary>
    /// Paired rewards (<c>--controller-reward paired</c>; the default, false, is the paper's). The M architectures of a
    /// controller step are scored on the SAME validation batch, and each one's advantage is its reward minus the mean
    /// reward of the other M - 1 (a leave-one-out baseline) instead of minus the moving average: batch-to-batch
    /// accuracy differences and the rise of the shared weights' accuracy over the run then cancel, and what is left is
    /// the difference between architectures. Needs M >= 2. (Left out of the configuration JSON while false, so
    /// checkpoints written before it existed still resume.)
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool PairedReward { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the flags when a setting is out of range.</summary>
    public void Validate()
    {
        if (LearningRate <= 0 || AdamEpsilon <= 0)
            throw new ArgumentException("--controller-lr and --controller-adam-eps must be positive");
        if (TanhConstant is <= 0 || OpTanhReduce <= 0)
            throw new ArgumentException("--controller-tanh and --controller-op-tanh-reduce must be positive");
    }

    /// <summary>Official macro settings.</summary>
    public static ControllerOptions ForMacro() => new() { TanhConstant = 1.5, LearningRate = 1e-3 };
}
