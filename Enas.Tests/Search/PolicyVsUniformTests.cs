using Enas.Search.Training;

namespace Enas.Tests.Search;

public class PolicyVsUniformTests
{
    [Fact]
    public void AccuracyUsesArithmeticMeansAndHigherIsBetter()
    {
        var c = PolicyVsUniform.OfAccuracy([0.5, 0.7, 0.6], [0.4, 0.5]);
        Assert.Equal(0.6, c.PolicyMean, 12);
        Assert.Equal(0.7, c.PolicyBest);
        Assert.Equal(0.45, c.UniformMean, 12);
        Assert.Equal(0.5, c.UniformBest);
        Assert.True(c.PolicyAhead);
        Assert.Contains("policy samples mean 60.0 %, best 70.0 % (3); uniform samples mean 45.0 %, best 50.0 % (2)", c.ToString());
        Assert.DoesNotContain("no better", c.ToString());
        var behind = PolicyVsUniform.OfAccuracy([0.4], [0.4, 0.5]);
        Assert.False(behind.PolicyAhead);
        Assert.EndsWith("the policy is no better than uniform sampling", behind.ToString());
    }

    [Fact]
    public void PerplexityUsesGeometricMeansOverFiniteValuesAndLowerIsBetter()
    {
        var c = PolicyVsUniform.OfPerplexity([100, 400, double.PositiveInfinity], [300, 300]);
        Assert.Equal(200, c.PolicyMean, 9); // sqrt(100 * 400); the overflowing cell does not make the mean infinite
        Assert.Equal(100, c.PolicyBest);
        Assert.Equal(3, c.PolicySamples);
        Assert.Equal(300, c.UniformMean, 9);
        Assert.True(c.PolicyAhead);
        Assert.Contains("geometric mean 200.0, best 100.0 (3)", c.ToString());
        Assert.Equal(double.PositiveInfinity, PolicyVsUniform.OfPerplexity([double.PositiveInfinity], [1]).PolicyMean);
        Assert.Equal(("policy_mean", (object?)c.PolicyMean), c.MetricsFields()[2]);
    }
}
