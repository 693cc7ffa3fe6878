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

    /// <summary>The controller settings this trainer applies.</summary>
    public ControllerOptions Options => _o;

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

    /// <summary>
    /// Paired update (<see cref="ControllerOptions.PairedReward"/>): <paramref name="samples"/> were scored on the same
    /// data; sample i's advantage is its reward minus the mean of the others' rewards. The moving-average baseline is
    /// still updated with every reward (it is logged). Back-propagates the mean loss on <paramref name="tape"/> and
    /// returns it.
    /// </summary>
    public double AccumulatePaired(Tape tape, IReadOnlyList<ControllerSample> samples, IReadOnlyList<double> rewards)
    {
        int m = samples.Count;
        if (m < 2 || rewards.Count != m)
            throw new ArgumentException($"paired rewards need at least 2 samples with one reward each, got {m} and {rewards.Count}");
        foreach (double r in rewards)
            Baseline = Baseline == 0 ? r : Baseline - (1 - _o.BaselineDecay) * (Baseline - r);
        if (!_controller.Learns) return 0;
        double sum = rewards.Sum(), value = 0;
        Tensor? total = null;
        for (int i = 0; i < m; i++)
        {
            double advantage = rewards[i] - (sum - rewards[i]) / (m - 1);
            var loss = samples[i].LogProb * -advantage;
            if (samples[i].SkipPenalty is { } penalty && _o.SkipWeight != 0) loss = loss + penalty * _o.SkipWeight;
            value += loss.Item();
            total = total is null ? loss : total + loss;
        }
        tape.Backward(total! * (1.0 / m));
        return value / m;
    }

    /// <summary>Applies the accumulated gradient.</summary>
    public void Step() => Optimizer?.Step();
}
