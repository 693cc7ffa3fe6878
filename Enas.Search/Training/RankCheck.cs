using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Reporting;
using Enas.Search.Spaces;

namespace Enas.Search.Training;

/// <summary>One architecture of a rank check: its shared-weight accuracy and its accuracy trained alone.</summary>
/// <param name="Architecture">Official string.</param>
/// <param name="Source">"policy" or "uniform".</param>
/// <param name="SharedWeightAccuracy">Accuracy with the shared search weights on the derive batches.</param>
/// <param name="StandaloneAccuracy">Validation accuracy after training from scratch for the check's epochs.</param>
public sealed record RankCheckEntry(string Architecture, string Source, double SharedWeightAccuracy, double StandaloneAccuracy);

/// <summary>
/// Whether the shared weights rank architectures as training them alone does: Kendall's tau-b and Spearman's rho
/// between the two accuracies over <see cref="Entries"/>.
/// </summary>
public sealed record RankCheckResult(int Epochs, double KendallTau, double SpearmanRho, IReadOnlyList<RankCheckEntry> Entries)
{
    /// <summary>The sources present ("policy", "uniform"), in order of first appearance.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Sources => [.. Entries.Select(e => e.Source).Distinct()];

    /// <summary>Kendall's tau-b among the entries of one source alone (NaN with fewer than 3). Within the uniform
    /// samples it asks whether the shared weights rank architectures the sampler trained equally often; the policy's
    /// candidates are the ones the shared weights were trained on most, which biases their scores upwards.</summary>
    public double KendallTauWithin(string source)
    {
        var e = Entries.Where(x => x.Source == source).ToArray();
        return e.Length < 3
            ? double.NaN
            : RankCorrelation.KendallTauB([.. e.Select(x => x.SharedWeightAccuracy)], [.. e.Select(x => x.StandaloneAccuracy)]);
    }

    /// <summary>Mean standalone accuracy of one source's entries (NaN when it has none).</summary>
    public double MeanStandalone(string source)
    {
        var e = Entries.Where(x => x.Source == source).ToArray();
        return e.Length == 0 ? double.NaN : e.Average(x => x.StandaloneAccuracy);
    }

    /// <summary>One line for the console.</summary>
    public override string ToString() =>
        $"rank check ({Entries.Count} architectures, each trained alone for {Epochs} epoch(s) and scored on the validation " +
        $"split): Kendall tau {KendallTau:F3}, Spearman rho {SpearmanRho:F3} between shared-weight and standalone accuracy" +
        string.Concat(Sources.Select(s => $"; {s} ({Entries.Count(e => e.Source == s)}): standalone mean {MeanStandalone(s):P2}" +
                                          (double.IsNaN(KendallTauWithin(s)) ? "" : $", tau within {KendallTauWithin(s):F3}")));
}

/// <summary>
/// The rank check (<c>--rank-check K</c>): after derive, the K/2 best distinct policy candidates and K/2 uniform
/// samples (already scored with the shared weights) are each trained from scratch at the search's width and depth on
/// the search's training images for E epochs, with the same seed, and scored on the held-out validation split (the
/// test split is not read). One <c>rank_check</c> metrics line per architecture, then the correlations.
/// </summary>
public static class RankCheck
{
    /// <summary>Picks the architectures: policy candidates first (best first), then uniform ones, distinct.</summary>
    public static List<(ScoredArchitecture Arch, string Source)> Pick(IReadOnlyList<ScoredArchitecture> policyRanked,
        IReadOnlyList<ScoredArchitecture> uniform, int count)
    {
        var picked = new List<(ScoredArchitecture, string)>();
        var seen = new HashSet<Architecture>();
        foreach (var p in policyRanked)
        {
            if (picked.Count >= (count + 1) / 2) break;
            if (seen.Add(p.Architecture)) picked.Add((p, "policy"));
        }
        foreach (var u in uniform)
        {
            if (picked.Count >= count) break;
            if (seen.Add(u.Architecture)) picked.Add((u, "uniform"));
        }
        return picked;
    }

    /// <summary>Trains and scores the picked architectures and correlates the two accuracies. Over several ranks of
    /// <paramref name="world"/> the trainings are independent jobs: in each round of N architectures rank r trains the
    /// r-th, and one all-reduce of the zero-filled accuracies gives every rank the round's results (a single process:
    /// rounds of one, each line written as soon as it is trained).</summary>
    public static RankCheckResult Run(ISearchSpace space, IReadOnlyList<(ScoredArchitecture Arch, string Source)> picked,
        SearchOptions search, int epochs, DataSplits data, Device device, MetricsLog metrics, ProgressReporter progress,
        ICommunicator? world = null)
    {
        world ??= SingleProcessCommunicator.Instance;
        var options = search with
        {
            Retrain = search.Retrain with { Epochs = epochs, Channels = search.Channels, Layers = search.Layers, TrainSubset = 0 },
        };
        var entries = new List<RankCheckEntry>();
        for (int start = 0; start < picked.Count; start += world.Size)
        {
            int count = Math.Min(world.Size, picked.Count - start), first = start;
            var round = SplitWork.Run(world, count, 1, (j, accuracy) =>
            {
                var (arch, source) = picked[first + j];
                string where = world.Size > 1 ? $"{first + 1}-{first + count}" : $"{first + 1}";
                progress.Message($"rank check {where}/{picked.Count} ({source}, shared-weight accuracy {arch.Score:P1})");
                accuracy[0] = Retrainer.Run(space, arch.Architecture, options, data.Train, data.Validation, device, metrics: null,
                    progress).TestAccuracy;
            });
            for (int j = 0; j < round.Length; j++)
            {
                var (arch, source) = picked[start + j];
                var entry = new RankCheckEntry(arch.Architecture.ToOfficialString(), source, arch.Score, round[j]);
                entries.Add(entry);
                metrics.Write("rank_check", ("architecture", entry.Architecture), ("source", source),
                    ("shared_weight_accuracy", entry.SharedWeightAccuracy), ("standalone_accuracy", entry.StandaloneAccuracy),
                    ("epochs", epochs));
            }
        }
        double[] shared = [.. entries.Select(e => e.SharedWeightAccuracy)], alone = [.. entries.Select(e => e.StandaloneAccuracy)];
        var result = new RankCheckResult(epochs, RankCorrelation.KendallTauB(shared, alone), RankCorrelation.Spearman(shared, alone), entries);
        (string, object?)[] fields = [("architectures", entries.Count), ("epochs", epochs),
            ("kendall_tau", result.KendallTau), ("spearman_rho", result.SpearmanRho)];
        foreach (var source in result.Sources)
        {
            fields = [.. fields, ($"standalone_mean_{source}", result.MeanStandalone(source))];
            if (!double.IsNaN(result.KendallTauWithin(source))) fields = [.. fields, ($"kendall_tau_{source}", result.KendallTauWithin(source))];
        }
        metrics.Write("rank_check_summary", fields);
        return result;
    }
}
