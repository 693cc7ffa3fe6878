using System.Text;
using System.Text.Json;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>Writes a finished search's files into its run folder (each atomically).</summary>
internal static class RunOutputs
{
    public static void Write(RunFolder folder, ISearchSpace space, ScoredArchitecture best, SearchSummary summary)
    {
        folder.WriteText(RunFolder.BestArchitectureJsonFile, ArchitectureJson.Serialize(space, best.Architecture, best.Score));
        var txt = new StringBuilder()
            .AppendLine(best.Architecture.ToOfficialString())
            .AppendLine("# " + space.Describe(best.Architecture).ReplaceLineEndings("\n# "))
            .AppendLine($"# shared-weight accuracy (search-time, NOT a final accuracy): {best.Score:P2}");
        folder.WriteText(RunFolder.BestArchitectureTextFile, txt.ToString());
        var top = new StringBuilder("# policy's top candidates by shared-weight accuracy on the derive batches\n");
        foreach (var c in summary.Top)
            top.AppendLine($"{c.SharedWeightAccuracy:F4}\t{(c.Greedy ? "greedy" : "sampled")}\t{c.Architecture}");
        folder.WriteText("top-architectures.txt", top.ToString());
        folder.WriteText("summary.json", JsonSerializer.Serialize(summary, SearchJsonContext.Readable.SearchSummary));
        foreach (var (file, svg) in space.Draw(best.Architecture)) folder.WriteText(file, svg);
        WritePlots(folder);
    }

    /// <summary>A search's curves: reward.svg (controller) and accuracy.svg (shared-weight training).</summary>
    public static void WritePlots(RunFolder folder)
    {
        var records = MetricsLog.ReadAll(folder.MetricsPath);
        MetricsPlot.Create(records, "controller", "epoch", ["shared_weight_valid_accuracy", "reward", "baseline"],
            "Controller reward and shared-weight validation accuracy", "value").Save(folder.File("reward.svg"));
        MetricsPlot.Create(records, "epoch", "epoch", ["shared_weight_train_accuracy", "train_loss"],
            "Shared-weight training", "value").Save(folder.File("accuracy.svg"));
    }

    /// <summary>A train run's curves from its "retrain" metrics lines: accuracy.svg (train and test accuracy per
    /// epoch) and loss.svg (train and test loss per epoch).</summary>
    public static void WriteTrainPlots(RunFolder folder)
    {
        var records = MetricsLog.ReadAll(folder.MetricsPath);
        MetricsPlot.Create(records, "retrain", "epoch", ["train_accuracy", "test_accuracy"],
            "Training from scratch: accuracy (train: running, with augmentation and dropout)", "accuracy").Save(folder.File("accuracy.svg"));
        MetricsPlot.Create(records, "retrain", "epoch", ["train_loss", "test_loss"],
            "Training from scratch: loss (train: running, with the aux head term)", "cross-entropy").Save(folder.File("loss.svg"));
    }
}
