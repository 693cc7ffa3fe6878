using System.Text.Json;
using System.Text.Json.Nodes;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>The root command: search, derive, write outputs, print how to retrain.</summary>
internal static class SearchAction
{
    public static int Run(SearchOptions options, string? outDir, bool resume, TextWriter stdout, bool? live = null)
    {
        if (resume)
        {
            var differences = SearchResumeCheck.Differences(RunFolder.OpenForResume(outDir!).ReadConfig(), options);
            if (differences.Count > 0)
                throw new CliException($"cannot resume {outDir} with other training options ({string.Join("; ", differences)}). " +
                                       $"Leave them out to continue the run as it was; on resume only {SearchResumeCheck.MayChangeFlags} may change; " +
                                       "or start a new run with another --out");
        }
        var device = DeviceSelection.Resolve(options.Device);
        outDir ??= Path.Combine("runs", $"{options.Space}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        // Load and validate the data before anything is written.
        var splits = LoadSplits(options);
        var configJson = WithDeviceUsed(JsonSerializer.Serialize(options, SearchJsonContext.Default.SearchOptions), device.ToString());
        var folder = RunFolder.Open(outDir, configJson, resume);
        using var progress = new ProgressReporter(stdout, live);
        using var search = new EnasSearch(options, splits, device, folder, progress);
        if (resume) folder.WriteText(RunFolder.ConfigFile, configJson); // checked against the checkpoint: what the run continues with
        Interruption.Resumable(folder.Path, search.CheckpointPath);
        stdout.WriteLine($"ENAS {options.Space} search on {options.Dataset}: {splits.Train.Count} training / {splits.Validation.Count} validation images, " +
                         $"{search.Space.Decisions.Count} decisions per architecture, {search.SharedParameterCount:N0} shared parameters, " +
                         $"controller {options.Controller}, device {device}");
        if (search.EpochsDone > 0) stdout.WriteLine($"resuming after epoch {search.EpochsDone} of {options.Epochs}");
        stdout.WriteLine($"expected time: about {ProgressReporter.FormatDuration(search.EstimateRemaining())} " +
                         $"({options.Epochs - search.EpochsDone} epochs x {search.StepsPerEpoch} steps, measured on this machine just now)");
        stdout.WriteLine($"output folder: {folder.Path}");
        SearchOutcome outcome;
        try { outcome = search.Run() ?? throw new InvalidOperationException("search stopped early"); }
        catch (NonFiniteLossException e) { throw DivergedException.InRun(e.Message, folder, search.EpochsDone, options.Epochs); }
        RunOutputs.Write(folder, search.Space, outcome);
        var best = outcome.Ranked[0];
        stdout.WriteLine();
        stdout.WriteLine($"best architecture ({options.Space}): {best.Architecture.ToOfficialString()}");
        stdout.WriteLine("  " + search.Space.Describe(best.Architecture).ReplaceLineEndings(Environment.NewLine + "  "));
        stdout.WriteLine($"shared-weight accuracy (search-time, on {options.DeriveBatches} validation batches; NOT a final accuracy): {best.SharedWeightAccuracy:P2}");
        if (outcome.Summary.PolicyVsUniform is { } check) stdout.WriteLine(check);
        stdout.WriteLine($"search time: {ProgressReporter.FormatDuration(TimeSpan.FromSeconds(outcome.Summary.Seconds))}");
        stdout.WriteLine($"outputs: {folder.Path} (best-architecture.json/.txt, top-architectures.txt, *.svg, metrics.jsonl, checkpoints/)");
        stdout.WriteLine("retrain it from scratch and measure test accuracy with:");
        stdout.WriteLine("  " + RetrainCommand(options, folder));
        return 0;
    }

    /// <summary>The options stored in a run's config.json (<paramref name="json"/>, read from <paramref name="path"/>):
    /// what <c>--resume</c> continues.</summary>
    public static SearchOptions StoredOptions(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize(json, SearchJsonContext.Default.SearchOptions)
                   ?? throw new CliException($"cannot read {path}: it is empty");
        }
        catch (JsonException e)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary><paramref name="configJson"/> with <c>"deviceUsed"</c> after <c>"device"</c>: what "auto" resolved to.
    /// (The checkpoint keeps the options as given, so the recorded device changes no checkpoint.)</summary>
    public static string WithDeviceUsed(string configJson, string device)
    {
        var config = JsonNode.Parse(configJson)!.AsObject();
        var result = new JsonObject();
        foreach (var (name, value) in config.ToList())
        {
            config.Remove(name);
            result[name] = value;
            if (name == "device") result[SearchResumeCheck.DeviceUsedField] = device;
        }
        return result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static string RetrainCommand(SearchOptions o, RunFolder folder)
    {
        var r = o.Retrain;
        var parts = new List<string>
        {
            $"{CliApp.Invocation} train",
            $"--arch {CliApp.Quote(folder.BestArchitectureJsonPath)}", $"--dataset {o.Dataset}",
        };
        if (o.DataDir is not null) parts.Add($"--data {CliApp.Quote(o.DataDir)}");
        parts.Add($"--epochs {r.Epochs}");
        parts.Add($"--channels {(r.Channels > 0 ? r.Channels : o.Channels)}");
        if (o.Space == "micro") parts.Add($"--layers {(r.Layers > 0 ? r.Layers : o.Layers)}");
        if (o.Space == "micro" && r.Network != new RetrainOptions().Network) parts.Add($"--network {r.Network}");
        parts.Add($"--out {CliApp.Quote(Path.Combine(folder.Path, "retrain"))}");
        return string.Join(' ', parts);
    }

    public static DataSplits LoadSplits(SearchOptions o)
    {
        var data = Datasets.Load(o.Dataset, o.DataDir);
        if (o.ValidationSize >= data.Train.Count)
            throw new CliException($"--validation-size {o.ValidationSize} leaves no training images ({data.Train.Count} in the training set)");
        var splits = DataSplits.Create(data, o.ValidationSize, o.Seed);
        if (o.TrainSubset > 0 && o.TrainSubset < splits.Train.Count)
        {
            var idx = Enumerable.Range(0, o.TrainSubset).ToArray();
            splits = splits with { Train = splits.Train.Subset(idx, splits.Train.Name + $"[:{o.TrainSubset}]") };
        }
        return splits;
    }
}
