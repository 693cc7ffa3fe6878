using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Spaces;
using Enas.Search.Util;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

public class ControllerTests(ITestOutputHelper output)
{
    /// <summary>Fraction of op tokens equal to <paramref name="target"/>: a bandit with a known optimum.</summary>
    private static double Reward(ISearchSpace space, Architecture a, DecisionKind kind, int target)
    {
        int hits = 0, total = 0;
        for (int i = 0; i < a.Tokens.Length; i++)
            if (space.Decisions[i].Kind == kind) { total++; if (a.Tokens[i] == target) hits++; }
        return (double)hits / total;
    }

    /// <summary>Mean <see cref="Reward"/> of <paramref name="n"/> samples of the policy (no gradients).</summary>
    private static double MeanReward(LstmController controller, XoshiroRandom rng, int n, DecisionKind kind, int target)
    {
        double s = 0;
        using var scope = TensorScope.Begin();
        using (Tape.NoGrad())
            for (int i = 0; i < n; i++) s += Reward(controller.Space, controller.Sample(rng).Architecture, kind, target);
        return s / n;
    }

    [Theory]
    [InlineData("micro", 2, 0)]
    [InlineData("macro", 3, 4)]
    public void LearnsAToyBandit(string name, int size, int target)
    {
        var space = SearchSpaces.Create(name, size);
        // Micro op logits are bounded by (1.1 / 2.5)·tanh in the official settings (P(op) <= ~0.4), so the micro
        // bandit rewards input choices (bounded by 1.1·tanh, P up to ~0.8); macro rewards ops.
        var kind = name == "macro" ? DecisionKind.Op : DecisionKind.InputIndex;
        var options = (name == "macro" ? ControllerOptions.ForMacro() : new ControllerOptions()) with
        {
            LearningRate = 0.02, Hidden = 16, BaselineDecay = 0.8,
            // The attention gradients are ~1e-4, far below the official epsilon 1e-3, which would make this test slow.
            AdamEpsilon = 1e-8,
        };
        using var controller = new LstmController(space, options, 11);
        var trainer = new Reinforce(controller, options);
        var rng = new XoshiroRandom(3);
        double Mean(int n) => MeanReward(controller, rng, n, kind, target);
        double before = Mean(40);
        for (int step = 0; step < 60; step++)
        {
            for (int m = 0; m < 4; m++)
            {
                using var tape = Tape.Record();
                var sample = controller.Sample(rng);
                Assert.Equal(space.Decisions.Count, sample.Architecture.Tokens.Length);
                space.Validate(sample.Architecture);
                double reward = trainer.Reward(Reward(space, sample.Architecture, kind, target), sample.EntropyValue);
                trainer.Accumulate(tape, sample, reward, 0.25);
            }
            trainer.Step();
        }
        double after = Mean(40);
        output.WriteLine($"{name}: mean reward {before:F3} -> {after:F3}");
        Assert.True(after > before + 0.25, $"controller did not learn: {before:F3} -> {after:F3}");
    }

    [Fact]
    public void PairedRewardsLearnTheBanditAndNeedTwoSamples()
    {
        var space = SearchSpaces.Create("micro", 2);
        var options = new ControllerOptions { LearningRate = 0.02, Hidden = 16, AdamEpsilon = 1e-8, PairedReward = true };
        using var controller = new LstmController(space, options, 11);
        var trainer = new Reinforce(controller, options);
        var rng = new XoshiroRandom(3);
        double Mean(int n) => MeanReward(controller, rng, n, DecisionKind.InputIndex, 0);
        double before = Mean(40);
        for (int step = 0; step < 60; step++)
        {
            using var tape = Tape.Record();
            var samples = Enumerable.Range(0, 4).Select(_ => controller.Sample(rng)).ToArray();
            // a constant offset per step (a harder or easier batch) must not matter: it cancels in the advantages
            double offset = (step % 3) * 0.3;
            var rewards = samples.Select(x => offset + trainer.Reward(Reward(space, x.Architecture, DecisionKind.InputIndex, 0), x.EntropyValue)).ToArray();
            double loss = trainer.AccumulatePaired(tape, samples, rewards);
            Assert.True(double.IsFinite(loss));
            trainer.Step();
        }
        double after = Mean(40);
        output.WriteLine($"paired: mean reward {before:F3} -> {after:F3}");
        Assert.True(after > before + 0.25, $"controller did not learn: {before:F3} -> {after:F3}");
        Assert.NotEqual(0, trainer.Baseline); // still tracked for the log
        using var one = Tape.Record();
        Assert.Throws<ArgumentException>(() => trainer.AccumulatePaired(one, [controller.Sample(rng)], [0.5]));
    }

    [Fact]
    public void LogProbMatchesTheSampledDecisionsAndGreedyIsDeterministic()
    {
        var space = new MacroSpace(4);
        using var controller = new LstmController(space, ControllerOptions.ForMacro(), 2);
        using var scope = TensorScope.Begin();
        var s = controller.Sample(new XoshiroRandom(1));
        Assert.True(s.LogProb.Item() < 0);
        Assert.True(s.EntropyValue > 0);
        Assert.NotNull(s.SkipPenalty);
        var g1 = controller.Sample(new XoshiroRandom(1), greedy: true).Architecture;
        var g2 = controller.Sample(new XoshiroRandom(99), greedy: true).Architecture;
        Assert.Equal(g1, g2);
        var r = new RandomController(space).Sample(new XoshiroRandom(4));
        space.Validate(r.Architecture);
    }
}
