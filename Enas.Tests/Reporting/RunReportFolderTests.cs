using Enas.Search.Cli;
using Enas.Search.Reporting;
using Enas.Search.Reporting.Report;
using Enas.Search.Training;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Reporting;

/// <summary>report.html of real runs: what the reader gathers, and that runs rewrite it as they go.</summary>
public sealed class RunReportFolderTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AFinishedSearchWithAComparisonHasEverySection()
    {
        string data = TinyFolderRun.MakeData(_dir.Path), run = _dir["search"];
        var (code, _, stderr) = CliRun.Run(output, TinyFolderRun.SearchArgs(data, run, "--compare", "--compare-random", "1"));
        Assert.True(code == 0, stderr);
        var report = RunReportReader.Read(run, "next", "note");
        Assert.Equal("ENAS micro search", report.Title);
        Assert.False(report.Running);
        Assert.Equal("search finished: 2 of 2 epochs, then derive", report.Status);
        Assert.Equal(["normal cell", "reduction cell"], report.Drawings.Select(d => d.Caption));
        Assert.Equal(4, report.Curves.Count); // shared-weight accuracy, loss, reward, entropy
        Assert.NotNull(report.Top);
        Assert.NotNull(report.PolicyVsUniform);
        Assert.Equal(["searched", "random", "handmade"], report.Comparison!.Rows.Select(r => r[0]).Distinct());
        Assert.Contains("paired by seed", report.ComparisonSummary);
        Assert.Equal(TinyFolderRun.Classes, report.Classes);
        Assert.Contains(report.Facts, f => f.Label == "total time");
        Assert.Contains(report.Settings.Rows, r => r[0] == "retrain.epochs" && r[1] == "1");
        Assert.Empty(report.Problems);

        // The file in the folder is the last refresh: after the comparison, with the printed train command.
        string html = File.ReadAllText(Path.Combine(run, RunFolder.ReportFile));
        Assert.Contains("<section id=\"comparison\">", html);
        var options = SearchAction.StoredOptions(File.ReadAllText(Path.Combine(run, "config.json")), "config.json");
        Assert.Contains(RunReportHtml.E(SearchAction.RetrainCommand(options, RunFolder.Existing(run))), html);
    }

    [Fact]
    public void ARecurrentSearchHasItsReportToo()
    {
        Rnn.RnnCliTests.WriteCorpus(_dir);
        string run = _dir["rnn"];
        var (code, _, stderr) = CliRun.Run(output, "--space", "rnn", "--dataset", "ptb", "--data", _dir.Path, "--nodes", "3", "--hidden", "8",
            "--batch-size", "4", "--bptt", "6", "--epochs", "2", "--max-windows", "3", "--controller-steps", "2", "--derive-samples", "3", "--out", run);
        Assert.True(code == 0, stderr);
        var report = RunReportReader.Read(run);
        Assert.Equal("ENAS rnn search", report.Title);
        Assert.Equal("search finished: 2 of 2 epochs, then derive", report.Status);
        Assert.Equal(["rnn cell"], report.Drawings.Select(d => d.Caption));
        Assert.Equal(4, report.Curves.Count); // loss, perplexity, reward, entropy
        Assert.NotNull(report.PolicyVsUniform);
        Assert.Contains(report.Facts, f => f.Label == "best cell");
        Assert.Contains("search finished: 2 of 2 epochs", File.ReadAllText(Path.Combine(run, RunFolder.ReportFile)));
    }

    [Fact]
    public void TheSearchSignalsEveryEpochAfterItsCheckpoint()
    {
        string data = TinyFolderRun.MakeData(_dir.Path), run = _dir["epochs"];
        var options = Presets.Get("cpu") with
        {
            Dataset = "folder", DataDir = data, Nodes = 2, Layers = 1, Channels = 4, Epochs = 3, BatchSize = 16, ValidationSize = 8,
            ControllerSteps = 1, ControllerAggregate = 2, DeriveSamples = 2,
        };
        var folder = RunFolder.Create(run, "{}");
        var checkpoints = new List<bool>();
        using (var progress = new ProgressReporter(TextWriter.Null, live: false))
        {
            var (task, search) = SearchLoops.Image(options, SearchAction.LoadSplits(options), Enas.Engine.Device.Cpu, folder, progress);
            using var taskScope = task;
            using var searchScope = search;
            search.EpochFinished += () => checkpoints.Add(File.Exists(search.CheckpointPath));
            Assert.Null(search.Run(stopAfterEpochs: 2));
        }
        Assert.Equal([true, true], checkpoints);
    }

    [Fact]
    public void TrainRewritesTheReportAfterEveryEpochAndReportRegeneratesIt()
    {
        string data = TinyFolderRun.MakeData(_dir.Path), run = _dir["train"];
        var o = Presets.Get("cpu") with { Dataset = "folder", DataDir = data, Space = "" };
        o = o with { Retrain = o.Retrain with { Epochs = 2, Channels = 4, Layers = 1, BatchSize = 16 } };
        Assert.Equal(0, TrainAction.Train(o, "1 1 0 4 2 4 1 0 1 0 0 0 1 0 0 1", run, TextWriter.Null, live: false, stopAfterEpochs: 1));
        string html = File.ReadAllText(Path.Combine(run, RunFolder.ReportFile));
        Assert.Contains("training or stopped: 1 of 2 epochs done", html);
        Assert.Contains(" train --resume --out ", html);
        Assert.Contains("<img class=\"drawing\" alt=\"normal cell\"", html);

        var (code, stdout, stderr) = CliRun.Run(output, "train", "--resume", "--out", run);
        Assert.True(code == 0, stderr);
        html = File.ReadAllText(Path.Combine(run, RunFolder.ReportFile));
        Assert.Contains("finished: 2 of 2 epochs trained", html);
        Assert.Contains(" eval --arch ", html);
        Assert.Contains("Training from scratch: accuracy", html);

        File.Delete(Path.Combine(run, RunFolder.ReportFile));
        (code, stdout, _) = CliRun.Run(output, "report", "--out", run);
        Assert.Equal(0, code);
        Assert.Contains(RunFolder.ReportFile, stdout);
        Assert.Contains("finished: 2 of 2 epochs trained", File.ReadAllText(Path.Combine(run, RunFolder.ReportFile)));
        (code, _, stderr) = CliRun.Run(output, "report", "--out", _dir["nothing"]);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", stderr);
    }
}
