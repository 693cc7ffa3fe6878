using Enas.Engine;
using Enas.Engine.Autodiff;

namespace Enas.Search.Controller;

/// <summary>
/// REINFORCE with an exponential-moving-average baseline: reward R = accuracy + w_ent·entropy,
/// b ← b − (1 − decay)(b − R) (b starts at the first reward), loss = −log π(arch)·(R − b) + w_skip·skip-penalty. Gradients of several samples are
/// averaged and applied with Adam (β1 = 0).
/// </summary>
public sealed class Reinforce
{
    private readonly IController _controller;
    private readonly ControllerOptions _o;

    /// <summary>Creates the trainer (no optimiser for the random controller).</summary>
    public Reinforce(IController controller, ControllerOptions options)
    {
        _controller = controller;
        _o = options;
        Optimizer = controller.Learns ? new HostAdam(controller.Parameters, options.LearningRate, epsilon: options.AdamEpsilon) : null;
    }

    /// <summary>Current baseline.</summary>
    public double Baseline { get; set; }

    /// <summary>The controller's Adam (null for the random controller).</summary>
    public HostAdam? Optimizer { get; }

    /// <summary>Reward of a sample with accuracy <paramref name="accuracy"/>.</summary>
    public double Reward(double accuracy, double entropy) => accuracy + _o.EntropyWeight * entropy;

    /// <summary>
    /// Updates the baseline with <paramref name="reward"/> and back-propagates the sample's loss (scaled by
    /// <paramref name="scale"/>) on <paramref name="tape"/>. Returns the loss value.
    /// </summary>
    public double Accumulate(Tape tape, ControllerSample sample, double reward, double scale)
    {
        // The baseline starts at the first reward (0 would make every early advantage positive and reinforce
        // whatever happens to be sampled first).
        if (Baseline == 0) Baseline = reward;
        else Baseline -= (1 - _o.BaselineDecay) * (Baseline - reward);
        if (!_controller.Learns) return 0;
        var loss = sample.LogProb * (-(reward - Baseline));
        if (sample.SkipPenalty is { } penalty && _o.SkipWeight != 0) loss = loss + penalty * _o.SkipWeight;
        double value = loss.Item();
        tape.Backward(loss * scale);
        return value;
    }

    /// <summary>Applies the accumulated gradient.</summary>
    public void Step() => Optimizer?.Step();
}
