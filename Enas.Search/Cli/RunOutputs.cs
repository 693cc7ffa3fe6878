using System.Text;
using System.Text.Json;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>Writes a finished search's files into its run folder (each atomically).</summary>
internal static class RunOutputs
{
    public static void Write(RunFolder folder, ISearchSpace space, SearchOutcome outcome)
    {
        var best = outcome.Ranked[0];
        folder.WriteText(RunFolder.BestArchitectureJsonFile, ArchitectureJson.Serialize(space, best.Architecture, best.SharedWeightAccuracy));
        var txt = new StringBuilder()
            .AppendLine(best.Architecture.ToOfficialString())
            .AppendLine("# " + space.Describe(best.Architecture).ReplaceLineEndings("\n# "))
            .AppendLine($"# shared-weight accuracy (search-time, NOT a final accuracy): {best.SharedWeightAccuracy:P2}");
        folder.WriteText(RunFolder.BestArchitectureTextFile, txt.ToString());
        var top = new StringBuilder("# policy's top candidates by shared-weight accuracy on the derive batches\n");
        foreach (var c in outcome.Summary.Top)
            top.AppendLine($"{c.SharedWeightAccuracy:F4}\t{(c.Greedy ? "greedy" : "sampled")}\t{c.Architecture}");
        folder.WriteText("top-architectures.txt", top.ToString());
        folder.WriteText("summary.json", JsonSerializer.Serialize(outcome.Summary, SearchJsonContext.Readable.SearchSummary));
        foreach (var (file, svg) in space.Draw(best.Architecture)) folder.WriteText(file, svg);
        WritePlots(folder);
    }

    public static void WritePlots(RunFolder folder)
    {
        var records = MetricsLog.ReadAll(folder.MetricsPath);
        MetricsPlot.Create(records, "controller", "epoch", ["shared_weight_valid_accuracy", "reward", "baseline"],
            "Controller reward and shared-weight validation accuracy", "value").Save(folder.File("reward.svg"));
        MetricsPlot.Create(records, "epoch", "epoch", ["shared_weight_train_accuracy", "train_loss"],
            "Shared-weight training", "value").Save(folder.File("accuracy.svg"));
        if (records.Any(r => (string?)r["kind"] == "retrain"))
            MetricsPlot.Create(records, "retrain", "epoch", ["train_accuracy", "test_accuracy"],
                "Retraining from scratch", "accuracy").Save(folder.File("retrain.svg"));
    }
}
