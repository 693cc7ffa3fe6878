using System.Text.Json;
using System.Text.Json.Nodes;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Loop;
using Enas.Search.Reporting;
using Enas.Search.Tasks;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>The root command: search, derive, write outputs (<see cref="SearchRun"/>, the library API's path too), print
/// what was found and how to retrain it.</summary>
internal static class SearchAction
{
    public static int Run(SearchOptions options, string? outDir, bool resume, TextWriter stdout, bool? live = null)
    {
        using var progress = new ProgressReporter(stdout, live);
        var hooks = new SearchRunHooks
        {
            Opened = s =>
            {
                Interruption.Resumable(s.Folder.Path, s.Search.CheckpointPath);
                stdout.WriteLine($"ENAS {options.Space} search on {options.Dataset}: {s.Splits.Train.Count} training / {s.Splits.Validation.Count} validation images, " +
                                 $"{s.Task.Space.Decisions.Count} decisions per architecture, {s.Task.SharedParameterCount:N0} shared parameters, " +
                                 $"controller {options.Controller}, device {s.Device}");
                foreach (var line in s.Splits.Folder?.Lines() ?? []) stdout.WriteLine(line);
                if (s.Task.Parallel.IsSharded)
                    stdout.WriteLine($"data-parallel on {s.Task.Parallel.ShardCount} ranks (mpirun): each trains its shard of every batch of {options.BatchSize} " +
                                     "(batch norm on per-rank statistics), one gradient all-reduce per step of at most " +
                                     $"{4.0 * Distributed.GradientPacking.Length(s.Task.Bank.Parameters) / (1 << 20):F2} MiB; controller rewards, derive, --rank-check and --compare split over the ranks");
            },
            Starting = s =>
            {
                if (s.Search.EpochsDone > 0) stdout.WriteLine($"resuming after epoch {s.Search.EpochsDone} of {options.Epochs}");
                var estimate = s.Estimate!;
                stdout.WriteLine($"expected time: about {ProgressReporter.FormatDuration(estimate.Total)} ({estimate.Breakdown()}; " +
                                 $"{ProgressReporter.Count(options.Epochs - s.Search.EpochsDone, "epoch")} x {s.Task.StepsPerEpoch} steps, " +
                                 "measured on this machine just now)");
                if (s.RetrainEstimate is { } retrain)
                {
                    var r = options.Retrain;
                    stdout.WriteLine($"then the retraining it prints: about {ProgressReporter.FormatDuration(retrain)} " +
                                     $"({ProgressReporter.Count(r.Epochs, "epoch")} on {(r.TrainSubset > 0 ? Math.Min(r.TrainSubset, s.Splits.FullTrainCount) : s.Splits.FullTrainCount):N0} images " +
                                     $"at C={(r.Channels > 0 ? r.Channels : options.Channels)}, timed on sampled architectures); " +
                                     $"search and retraining together: about {ProgressReporter.FormatDuration(estimate.Total + retrain)}");
                }
                stdout.WriteLine($"output folder: {s.Folder.Path}");
            },
        };
        SearchRunResult result;
        using (Interruption.Cancellable())
            result = SearchRun.Execute(options, outDir, resume, progress, stdout, deviceLog: null, estimate: true, hooks, Interruption.Token);
        var (folder, space, best, summary) = (result.Folder, result.Space, result.Best, result.Summary);
        stdout.WriteLine();
        stdout.WriteLine($"best architecture ({options.Space}): {best.Architecture.ToOfficialString()}");
        stdout.WriteLine("  " + space.Describe(best.Architecture).ReplaceLineEndings(Environment.NewLine + "  "));
        stdout.WriteLine($"shared-weight accuracy (search-time, on {options.DeriveBatches} validation batches; NOT a final accuracy): {best.Score:P2}");
        if (summary.PolicyVsUniform is { } check) stdout.WriteLine(check);
        stdout.WriteLine($"search time: {ProgressReporter.FormatDuration(TimeSpan.FromSeconds(summary.Seconds))}");
        stdout.WriteLine($"outputs: {folder.Path} (report.html, best-architecture.json/.txt, top-architectures.txt, *.svg, metrics.jsonl, classes.json, checkpoints/)");
        stdout.WriteLine("retrain it from scratch and measure test accuracy with:");
        stdout.WriteLine("  " + result.RetrainCommand);
        if (result.RetrainTime is { } retrainTime)
            stdout.WriteLine($"  (about {ProgressReporter.FormatDuration(retrainTime)} on this machine: {ProgressReporter.Count(options.Retrain.Epochs, "epoch")}, " +
                             "timed on this architecture just now)");
        if (options.Compare is { } compare)
        {
            Compare(options, compare, space, best.Architecture, result.Device, folder, progress, stdout);
            if (folder.Writes) RunReports.Refresh(folder.Path, stdout);
        }
        return 0;
    }

    /// <summary>The stop of the run in <paramref name="folder"/> whose loss became NaN or infinite (<paramref name="problem"/>)
    /// after <paramref name="epochsDone"/> checkpointed epochs of <paramref name="epochs"/>: what was kept and what to do.
    /// A run with no checkpoint is removed, so the same --out can be used again.</summary>
    internal static TrainingDivergedException Diverged(string problem, RunFolder folder, int epochsDone, int epochs)
    {
        if (folder.RemoveIfNothingSaved())
            return new TrainingDivergedException($"{problem}. Training stopped before its first checkpoint, so nothing was saved " +
                                                 $"and the run's files were removed from {folder.Path}: run again (the same --out is " +
                                                 "free) with a lower --lr-max or another --seed");
        return new TrainingDivergedException($"{problem}. Training stopped; {folder.Path} keeps the checkpoint after epoch {epochsDone} " +
                                             $"of {epochs}, but on the CPU a resume with the same options repeats the same steps: start " +
                                             "a new run with a lower --lr-max or another --seed, and another --out");
    }

    /// <summary>--compare: retrains the searched, random, published and hand-made models and prints the table.</summary>
    private static void Compare(SearchOptions o, CompareOptions compare, Spaces.ISearchSpace space, Spaces.Architecture searched,
        Enas.Engine.Device device, RunFolder folder, ProgressReporter progress, TextWriter stdout)
    {
        var (train, test, _) = RetrainData.Split(DataLoading.Load(o), o.Retrain);
        var jobs = CnnComparison.Plan(space, searched, o, compare, train);
        var handmade = jobs.First(j => j.Role == "handmade");
        stdout.WriteLine();
        stdout.WriteLine($"comparison: {jobs.Count} models ({compare.Seeds} seed{(compare.Seeds == 1 ? "" : "s")} x the searched architecture, " +
                         $"{compare.RandomArchitectures} random, {(jobs.Any(j => j.Role == "published") ? "the published ENAS one" : "no published one for this space size")}, " +
                         $"a hand-made {CnnComparison.HandmadeLayers}-layer VGG-style CNN at C = {handmade.Options.Retrain.Channels}), " +
                         $"each trained as the train command above; results in {Path.Combine(folder.Path, ComparisonTable.TextFile)}");
        var table = CnnComparison.Run(jobs, train, test, device, folder.Path, progress, World.Communicator);
        stdout.WriteLine(table.Text());
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

    /// <summary>
    /// The <c>train</c> command that retrains the run's best architecture with the run's retrain settings: the preset
    /// whose retrain block the run used (so a paper-preset search prints a paper retrain), then every setting
    /// <c>train</c> takes as a flag that differs from that preset.
    /// </summary>
    public static string RetrainCommand(SearchOptions o, RunFolder folder)
    {
        var r = o.Retrain;
        var preset = Presets.Names.FirstOrDefault(n => SameApartFromTrainFlags(Presets.Get(n).Retrain, r)) ?? "cpu";
        var basis = Presets.Get(preset).Retrain;
        var parts = new List<string>
        {
            $"{CliApp.Invocation} train",
            $"--arch {CliApp.Quote(folder.BestArchitectureJsonPath)}", $"--dataset {o.Dataset}",
        };
        if (preset != "cpu") parts.Add($"--preset {preset}");
        if (o.DataDir is not null) parts.Add($"--data {CliApp.Quote(o.DataDir)}");
        parts.AddRange(DataLoading.FolderFlags(o));
        parts.Add($"--epochs {r.Epochs}");
        parts.Add($"--channels {(r.Channels > 0 ? r.Channels : o.Channels)}");
        if (o.Space == "micro") parts.Add($"--layers {(r.Layers > 0 ? r.Layers : o.Layers)}");
        if (r.BatchSize != basis.BatchSize) parts.Add($"--batch-size {r.BatchSize}");
        if (r.Cutout != basis.Cutout) parts.Add($"--cutout {r.Cutout}");
        if (r.DropPathKeep != basis.DropPathKeep)
            parts.Add($"--drop-path-keep {r.DropPathKeep.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (r.TrainSubset != basis.TrainSubset) parts.Add($"--train-subset {r.TrainSubset}");
        if (r.Network != basis.Network) parts.Add($"--network {r.Network}");
        parts.Add($"--out {CliApp.Quote(Path.Combine(folder.Path, "retrain"))}");
        return string.Join(' ', parts);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> differ only in settings <c>train</c> takes as flags.</summary>
    private static bool SameApartFromTrainFlags(RetrainOptions a, RetrainOptions b) =>
        a with
        {
            Epochs = b.Epochs, Channels = b.Channels, Layers = b.Layers, BatchSize = b.BatchSize, Cutout = b.Cutout,
            DropPathKeep = b.DropPathKeep, TrainSubset = b.TrainSubset, Network = b.Network,
        } == b;

    public static DataSplits LoadSplits(SearchOptions o)
    {
        var data = DataLoading.Load(o);
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
