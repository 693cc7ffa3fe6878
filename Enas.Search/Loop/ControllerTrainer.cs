using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Tasks;
using Enas.Search.Util;

namespace Enas.Search.Loop;

/// <summary>
/// Trains the controller by REINFORCE, whatever the task: each sample is scored by the task's
/// <see cref="IControllerReward"/> with the shared weights (reward = the task's reward of the metric + entropy bonus),
/// and the gradients of <c>aggregate</c> samples are averaged per update. With the random controller the rewards are
/// still measured (for comparison) but nothing is updated. With <see cref="ControllerOptions.PairedReward"/> the
/// samples of an update share their evaluation data and leave-one-out advantages.
/// </summary>
public sealed class ControllerTrainer(IController controller, Reinforce reinforce, IControllerReward reward)
{
    /// <summary>Draws <paramref name="samples"/> samples in updates of <paramref name="aggregate"/> (a shorter last
    /// update when they do not divide, except with paired rewards) from <paramref name="rng"/>; <paramref name="onUpdate"/>
    /// gets (update, total).</summary>
    public ControllerPhaseResult RunPhase(int samples, int aggregate, XoshiroRandom rng, Action<int, int>? onUpdate = null)
    {
        if (reinforce.Options.PairedReward && samples % aggregate != 0)
            throw new ArgumentException($"paired rewards compare the samples of an update with each other: {samples} samples do not " +
                                        $"make whole updates of {aggregate}");
        double rewardSum = 0, entSum = 0, lossSum = 0;
        var metrics = new List<double>(samples);
        (ControllerSample Sample, double Reward) Draw() // on the caller's tape
        {
            var sample = controller.Sample(rng);
            double metric = reward.Measure(sample.Architecture);
            double entropy = sample.EntropyValue;
            double r = reinforce.Reward(reward.RewardOf(metric), entropy);
            rewardSum += r; entSum += entropy;
            metrics.Add(metric);
            return (sample, r);
        }
        int updates = (samples + aggregate - 1) / aggregate;
        for (int u = 0, done = 0; u < updates; u++)
        {
            int m = Math.Min(aggregate, samples - done);
            if (reinforce.Options.PairedReward)
            {
                reward.NextData(); // one evaluation set for the update's samples (ControllerOptions.PairedReward)
                using var tape = Tape.Record();
                var drawn = Enumerable.Range(0, m).Select(_ => Draw()).ToArray();
                lossSum += reinforce.AccumulatePaired(tape, [.. drawn.Select(d => d.Sample)], [.. drawn.Select(d => d.Reward)]) * m;
            }
            else
            {
                for (int i = 0; i < m; i++)
                {
                    reward.NextData();
                    using var tape = Tape.Record();
                    var (sample, r) = Draw();
                    lossSum += reinforce.Accumulate(tape, sample, r, 1.0 / aggregate);
                }
            }
            done += m;
            reinforce.Step();
            onUpdate?.Invoke(u + 1, updates);
        }
        int n = Math.Max(1, metrics.Count);
        return new ControllerPhaseResult(rewardSum / n, metrics, entSum / n, reinforce.Baseline, lossSum / n, metrics.Count);
    }
}
