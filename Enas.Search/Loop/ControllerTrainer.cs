using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Distributed;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Search.Util;

namespace Enas.Search.Loop;

/// <summary>
/// Trains the controller by REINFORCE, whatever the task: each sample is scored by the task's
/// <see cref="IControllerReward"/> with the shared weights (reward = the task's reward of the metric + entropy bonus),
/// and the gradients of <c>aggregate</c> samples are averaged per update. With the random controller the rewards are
/// still measured (for comparison) but nothing is updated. With <see cref="ControllerOptions.PairedReward"/> the
/// samples of an update share their evaluation data and leave-one-out advantages.
/// <para>Over several ranks of <paramref name="world"/> (every rank holds the same controller, generator and shared
/// weights) each update's samples are drawn on every rank, rank r measures samples r, r + N, ... of the update, and one
/// all-reduce of the zero-filled metrics gives every rank all of them: each metric is computed whole by one rank, so
/// the rewards, baseline and controller updates are those of one process.</para>
/// </summary>
public sealed class ControllerTrainer(IController controller, Reinforce reinforce, IControllerReward reward, ICommunicator? world = null)
{
    private readonly ICommunicator _world = world ?? SingleProcessCommunicator.Instance;

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
        double Score(ControllerSample sample, double metric)
        {
            double entropy = sample.EntropyValue;
            double r = reinforce.Reward(reward.RewardOf(metric), entropy);
            rewardSum += r; entSum += entropy;
            metrics.Add(metric);
            return r;
        }
        int updates = (samples + aggregate - 1) / aggregate;
        for (int u = 0, done = 0; u < updates; u++)
        {
            int m = Math.Min(aggregate, samples - done);
            if (reinforce.Options.PairedReward)
            {
                reward.NextData(); // one evaluation set for the update's samples (ControllerOptions.PairedReward)
                using var tape = Tape.Record();
                var drawn = Enumerable.Range(0, m).Select(_ => controller.Sample(rng)).ToArray();
                reward.Drawn();
                var measured = MeasureShared(drawn.Select(d => d.Architecture).ToArray());
                var rewards = drawn.Select((d, i) => Score(d, measured[i])).ToArray();
                lossSum += reinforce.AccumulatePaired(tape, drawn, rewards) * m;
            }
            else if (_world.Size == 1)
            {
                for (int i = 0; i < m; i++)
                {
                    reward.NextData();
                    using var tape = Tape.Record();
                    var sample = controller.Sample(rng);
                    reward.Drawn();
                    double r = Score(sample, reward.Measure(sample.Architecture));
                    lossSum += reinforce.Accumulate(tape, sample, r, 1.0 / aggregate);
                }
            }
            else lossSum += SeparateDataOverRanks(m, aggregate, rng, Score);
            done += m;
            reinforce.Step();
            onUpdate?.Invoke(u + 1, updates);
        }
        int n = Math.Max(1, metrics.Count);
        return new ControllerPhaseResult(rewardSum / n, metrics, entSum / n, reinforce.Baseline, lossSum / n, metrics.Count);
    }

    /// <summary>
    /// One update of <paramref name="m"/> samples that each have their own evaluation data, over several ranks: first
    /// every rank moves the data on and samples (without a tape) as one process would, measuring its share while that
    /// sample's data is current; after the all-reduce it samples again from each saved generator state, on a tape,
    /// which draws the same architecture and leaves the generator where the first draw left it, and accumulates the
    /// gradients in sampling order. The generator ends where one process leaves it (the reward's draws after each
    /// sample, <see cref="IControllerReward.Drawn"/>, included).
    /// </summary>
    private double SeparateDataOverRanks(int m, int aggregate, XoshiroRandom rng, Func<ControllerSample, double, double> score)
    {
        var states = new ulong[m][];
        var sampled = new ulong[m][]; // right after sample i (before the reward's own draws, if any)
        var architectures = new Architecture[m];
        var measured = new double[m];
        for (int i = 0; i < m; i++)
        {
            reward.NextData();
            states[i] = rng.GetState();
            using (TensorScope.Begin())
            using (Tape.NoGrad())
                architectures[i] = controller.Sample(rng).Architecture;
            sampled[i] = rng.GetState();
            reward.Drawn();
            if (i % _world.Size == _world.Rank) measured[i] = reward.Measure(architectures[i]);
        }
        var end = rng.GetState();
        _world.AllReduceSum(measured);
        double lossSum = 0;
        for (int i = 0; i < m; i++)
        {
            rng.SetState(states[i]);
            using var tape = Tape.Record();
            var sample = controller.Sample(rng);
            if (!sample.Architecture.Equals(architectures[i]))
                throw new InvalidOperationException($"the controller drew {sample.Architecture} again from the state that drew " +
                                                    $"{architectures[i]}: sampling is not deterministic");
            if (!rng.GetState().SequenceEqual(sampled[i])) throw new InvalidOperationException("sampling again moved the generator elsewhere");
            lossSum += reinforce.Accumulate(tape, sample, score(sample, measured[i]), 1.0 / aggregate);
        }
        rng.SetState(end); // past the last sample and the reward's draws after it
        return lossSum;
    }

    /// <summary>Metrics of <paramref name="architectures"/> on the current data: this rank measures its share and one
    /// all-reduce fills in the rest (one process measures all).</summary>
    private double[] MeasureShared(Architecture[] architectures) =>
        SplitWork.Run(_world, architectures.Length, 1, (i, metric) => metric[0] = reward.Measure(architectures[i]));
}
