using Enas.Search.Training;

namespace Enas.Tests.Search;

public class RankCorrelationTests
{
    [Fact]
    public void PerfectAgreementAndReversalGivePlusAndMinusOne()
    {
        double[] x = [0.1, 0.4, 0.2, 0.9];
        Assert.Equal(1.0, RankCorrelation.KendallTauB(x, [1, 4, 2, 9]), 12);
        Assert.Equal(1.0, RankCorrelation.Spearman(x, [1, 4, 2, 9]), 12);
        Assert.Equal(-1.0, RankCorrelation.KendallTauB(x, [9, 2, 4, 1]), 12);
        Assert.Equal(-1.0, RankCorrelation.Spearman(x, [9, 2, 4, 1]), 12);
    }

    [Fact]
    public void MatchesHandCountedValuesWithTies()
    {
        // x = 1 2 3 4 5, y = 1 3 2 5 4: 10 pairs, 2 discordant -> tau = 6/10; rho = 1 - 6*4/(5*24) = 0.8.
        double[] x = [1, 2, 3, 4, 5], y = [1, 3, 2, 5, 4];
        Assert.Equal(0.6, RankCorrelation.KendallTauB(x, y), 12);
        Assert.Equal(0.8, RankCorrelation.Spearman(x, y), 12);
        // Ties: x = 1 1 2 3, y = 1 2 3 3. Pairs 6; x ties 1, y ties 1; concordant 4 (01? tie) -> pairs:
        // (0,1) x tie; (0,2) c; (0,3) c; (1,2) c; (1,3) c; (2,3) y tie -> tau_b = 4 / sqrt(5*5) = 0.8.
        Assert.Equal(0.8, RankCorrelation.KendallTauB([1, 1, 2, 3], [1, 2, 3, 3]), 12);
        Assert.Equal([1.5, 1.5, 3, 4], RankCorrelation.Ranks([1, 1, 2, 3]));
        // Spearman with ties = Pearson of mean ranks: ranks x 1.5 1.5 3 4, y 1 2 3.5 3.5.
        double[] rx = [1.5, 1.5, 3, 4], ry = [1, 2, 3.5, 3.5];
        double mx = rx.Average(), my = ry.Average();
        double pearson = rx.Zip(ry, (a, b) => (a - mx) * (b - my)).Sum() /
                         Math.Sqrt(rx.Sum(a => (a - mx) * (a - mx)) * ry.Sum(b => (b - my) * (b - my)));
        Assert.Equal(pearson, RankCorrelation.Spearman([1, 1, 2, 3], [1, 2, 3, 3]), 12);
    }

    [Fact]
    public void ConstantSamplesGiveNaNAndBadInputThrows()
    {
        Assert.True(double.IsNaN(RankCorrelation.KendallTauB([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1, 1, 1], [1, 2, 3])));
        Assert.Throws<ArgumentException>(() => RankCorrelation.KendallTauB([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => RankCorrelation.Spearman([1, double.NaN], [1, 2]));
    }

    /// <summary>The rank check's per-source figures: a policy group ranked perfectly and a uniform group ranked in
    /// reverse give +1 and -1 within, whatever the pooled tau is.</summary>
    [Fact]
    public void RankCheckGivesTauAndMeansWithinEachSource()
    {
        RankCheckEntry E(string source, double shared, double alone) => new("a", source, shared, alone);
        var result = new RankCheckResult(2, 0, 0,
        [
            E("policy", 0.60, 0.70), E("policy", 0.62, 0.72), E("policy", 0.64, 0.74),
            E("uniform", 0.30, 0.80), E("uniform", 0.40, 0.78), E("uniform", 0.50, 0.76), E("uniform", 0.55, 0.75),
        ]);
        Assert.Equal(["policy", "uniform"], result.Sources);
        Assert.Equal(1.0, result.KendallTauWithin("policy"), 12);
        Assert.Equal(-1.0, result.KendallTauWithin("uniform"), 12);
        Assert.Equal(0.72, result.MeanStandalone("policy"), 12);
        Assert.Equal(0.7725, result.MeanStandalone("uniform"), 12);
        Assert.True(double.IsNaN(result.KendallTauWithin("other")));
        Assert.Contains("uniform (4): standalone mean 77.25%, tau within -1.000", result.ToString().Replace(" %", "%"));
    }
}
