using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Export;
using Enas.Search.Network;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>
/// <c>train</c> (retrain an architecture from scratch with a checkpoint after every epoch, save the model, draw its
/// curves), <c>train --resume</c> (continue such a run exactly) and <c>eval</c> (test accuracy of a saved model).
/// </summary>
internal static class TrainAction
{
    /// <summary>The trained model in a train run folder (weights and batch-norm statistics; what eval reads).</summary>
    public const string ModelFile = "model.ckpt";

    /// <summary>The architecture a train run trains (its presence marks a train run folder).</summary>
    public const string ArchitectureFile = "architecture.json";

    /// <summary>The per-epoch checkpoint inside the run's checkpoints folder.</summary>
    public const string CheckpointName = "last.ckpt";

    /// <summary>The architecture <c>--arch</c> names (see <see cref="ArchitectureArgument"/>); <paramref name="space"/>
    /// is <c>--space</c> (empty: inferred).</summary>
    public static (ISearchSpace Space, Architecture Arch) ReadArchitecture(string arch, string? space = null) =>
        ArchitectureArgument.Read(arch, space);

    /// <summary>A new train run in <paramref name="outDir"/> (default runs/train-TIMESTAMP).
    /// <paramref name="stopAfterEpochs"/> simulates an interruption (tests); <paramref name="deviceLog"/> gets the device
    /// line (null: standard output).</summary>
    public static int Train(SearchOptions o, string archPath, string? outDir, TextWriter stdout, bool? live = null,
        int stopAfterEpochs = int.MaxValue, string? exportOnnx = null, TextWriter? deviceLog = null)
    {
        exportOnnx = exportOnnx is null ? null : OnnxTarget.Check(exportOnnx, "--export-onnx"); // before hours of training
        var (space, arch) = ReadArchitecture(archPath, o.Space);
        o = ForArchitecture(o, space);
        var world = World.Communicator;
        var device = DeviceSelection.Resolve(o.Device, world.Rank == 0 ? deviceLog : TextWriter.Null, world.Rank);
        var (train, test, stats, classes, classNames, info) = LoadData(o);
        Replicas.RequireOut(world, outDir, "train");
        outDir ??= Path.Combine("runs", $"train-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        // Rank 0 writes the run; the other ranks of a data-parallel job write nothing.
        var folder = world.Rank == 0 ? RunFolder.Create(outDir, Config(o)) : RunFolder.Replica(outDir, resumed: false);
        folder.WriteText(ArchitectureFile, ArchitectureJson.Serialize(space, arch));
        folder.WriteText(RunFolder.ClassesFile, classes);
        foreach (var (file, svg) in space.Draw(arch)) folder.WriteText(file, svg); // the drawings report.html shows
        foreach (var line in info?.Lines() ?? []) stdout.WriteLine(line);
        return Run(folder, space, arch, o, (train, test, stats, classNames), device, stdout, live, stopAfterEpochs, exportOnnx);
    }

    /// <summary>The options stored in the train run <paramref name="outDir"/> (what <c>train --resume</c> continues).</summary>
    public static SearchOptions StoredOptions(string? outDir)
    {
        if (outDir is null) throw new CliException("train --resume needs --out DIR pointing at the train run to continue");
        var folder = OpenTrainRun(outDir);
        return SearchAction.StoredOptions(folder.ReadConfig(), folder.ConfigPath);
    }

    /// <summary>
    /// Continues the train run in <paramref name="outDir"/> after its last checkpointed epoch. <paramref name="o"/>
    /// is the stored options with the flags given now; any difference but a safe change of --epochs is refused.
    /// </summary>
    public static int Resume(SearchOptions o, string? archPath, string outDir, TextWriter stdout, bool? live = null,
        int stopAfterEpochs = int.MaxValue, string? exportOnnx = null)
    {
        exportOnnx = exportOnnx is null ? null : OnnxTarget.Check(exportOnnx, "--export-onnx");
        var folder = OpenTrainRun(outDir);
        var (space, arch) = ReadArchitecture(folder.File(ArchitectureFile));
        if (archPath is not null)
        {
            var (otherSpace, other) = ReadArchitecture(archPath);
            if (otherSpace.Name != space.Name || !other.Tokens.SequenceEqual(arch.Tokens))
                throw new CliException($"--arch {archPath} is not the architecture the run in {folder.Path} trains " +
                                       $"({space.Name} {arch.ToOfficialString()}); leave --arch out to continue it");
        }
        o = ForArchitecture(o, space);
        var ckpt = Path.Combine(folder.CheckpointsPath, CheckpointName);
        var state = File.Exists(ckpt) ? RetrainSession.ReadState(ckpt) : null;
        TrainResumeCheck.Refuse(folder, o, state, RetrainSession.AnnealsDropPath(space, o));
        int done = state?.EpochsDone ?? 0;
        if (state is not null && done == o.Retrain.Epochs && File.Exists(folder.File(ModelFile)))
        {
            if (World.Communicator.Rank > 0) return 0; // rank 0 reports (and exports)
            stdout.WriteLine($"the run in {folder.Path} has already trained all {ProgressReporter.Count(done, "epoch")}; nothing to train " +
                             "(a larger --epochs continues it where the schedule allows)");
            Report(stdout, folder, o, new RetrainResult(state.TestAccuracy, state.TrainAccuracy, state.Parameters, done, state.Seconds));
            return exportOnnx is null ? 0 : ExportAction.Run(folder.File(ModelFile), exportOnnx, stdout);
        }
        var world = World.Communicator;
        if (world.Rank > 0) folder = RunFolder.Replica(folder.Path, resumed: true);
        var device = DeviceSelection.Resolve(o.Device, stdout, world.Rank);
        var (train, test, stats, _, classNames, info) = LoadData(o);
        foreach (var line in info?.Lines() ?? []) stdout.WriteLine(line);
        return Run(folder, space, arch, o, (train, test, stats, classNames), device, stdout, live, stopAfterEpochs, exportOnnx);
    }

    private static int Run(RunFolder folder, ISearchSpace space, Architecture arch, SearchOptions o,
        (ImageDataset Train, ImageDataset Test, ChannelStats Stats, IReadOnlyList<string>? ClassNames) data, Device device, TextWriter stdout, bool? live,
        int stopAfterEpochs, string? exportOnnx)
    {
        var (train, test) = (data.Train, data.Test);
        string configJson = Config(o), ckpt = Path.Combine(folder.CheckpointsPath, CheckpointName);
        using var progress = new ProgressReporter(stdout, live);
        var world = World.Communicator;
        using var session = new RetrainSession(space, arch, o, train, test, device, DataParallel.Of(world));
        if (folder.IsResumed)
        {
            long keep = File.Exists(ckpt) ? session.Restore(ckpt).MetricsBytes : 0; // no checkpoint yet: start over
            if (folder.Writes) MetricsLog.TruncateTo(folder.MetricsPath, keep);
            folder.WriteText(RunFolder.ConfigFile, configJson); // checked above: what the run continues with
        }
        VerifyReplicas(world, session);
        if (world.Size > 1)
            progress.Message($"data-parallel on {world.Size} ranks (mpirun): each trains its shard of every batch of {o.Retrain.BatchSize} " +
                             "(batch norm on per-rank statistics, running statistics averaged over the ranks after every epoch)");
        progress.Message(session.Description);
        if (session.EpochsDone > 0) progress.Message($"resuming after epoch {session.EpochsDone} of {session.Epochs}");
        progress.Message($"output folder: {folder.Path} (a checkpoint after every epoch; train --resume --out {Quote(folder.Path)} continues it)");
        if (folder.Writes) RunReports.Refresh(folder.Path, stdout);
        using (var metrics = folder.OpenMetrics())
            session.Run(metrics, progress, s =>
            {
                VerifyReplicas(world, s); // the ranks trained the same: still identical
                if (!folder.Writes) return;
                s.Save(ckpt, new FileInfo(folder.MetricsPath).Length, configJson);
                RunReports.Refresh(folder.Path, stdout);
            }, stopAfterEpochs);
        if (session.EpochsDone < session.Epochs || !folder.Writes) return 0; // stopped early (tests), or a rank that writes nothing
        // The model describes itself (architecture, sizes, input normalisation, class names): what export reads.
        var info = ModelInfo.Create(space, arch, session.Network, o.Dataset, data.Stats, data.ClassNames);
        var weights = session.Weights.ToEntries().ToArray();
        Checkpoint.Write(folder.File(ModelFile), info.ToJson(), weights);
        RunOutputs.WriteTrainPlots(folder);
        RunReports.Refresh(folder.Path, stdout);
        Report(stdout, folder, o, session.Result());
        if (exportOnnx is not null) ExportAction.Write(info, weights.ToDictionary(w => w.Name), folder.File(ModelFile), exportOnnx, stdout);
        return 0;
    }

    /// <summary>Under mpirun, proves that every rank holds rank 0's weights, statistics, optimiser state and generator:
    /// at the start (or resume) and after every epoch.</summary>
    private static void VerifyReplicas(ICommunicator world, RetrainSession session) =>
        Replicas.Verify(world, session.ReplicaHash, "weights, batch-norm statistics, optimiser state or generator");

    /// <summary>The options as the architecture's space fixes them (its space and size).</summary>
    private static SearchOptions ForArchitecture(SearchOptions o, ISearchSpace space) =>
        o with { Space = space.Name, Nodes = space is MicroSpace m ? m.Nodes : o.Nodes, Layers = space is MacroSpace mc ? mc.Layers : o.Layers };

    private static string Config(SearchOptions o) => JsonSerializer.Serialize(o, SearchJsonContext.Default.SearchOptions);

    /// <summary>The training and test images (normalised), the statistics they were normalised with, the run's
    /// classes.json text, the class names (null when the dataset names none) and, for an image folder, how it was
    /// read.</summary>
    private static (ImageDataset Train, ImageDataset Test, ChannelStats Stats, string ClassesJson,
        IReadOnlyList<string>? ClassNames, Data.FolderDataInfo? Folder) LoadData(SearchOptions o)
    {
        var data = DataLoading.Load(o);
        var names = data.ClassNames.Count > 0 ? data.ClassNames : ModelInfo.KnownClassNames(o.Dataset);
        var (train, test, stats) = RetrainData.Split(data, o.Retrain);
        string classes = ClassesJson.Render(o.Dataset, data.ClassNames, train, stats, data.Folder);
        return (train, test, stats, classes, names, data.Folder);
    }

    /// <summary>Opens <paramref name="outDir"/> to resume it as a train run, or says why it is not one.</summary>
    private static RunFolder OpenTrainRun(string outDir)
    {
        var folder = RunFolder.OpenForResume(outDir);
        if (!File.Exists(folder.File(ArchitectureFile)))
            throw new RunFolderException($"cannot resume: {folder.Path} is not a train run (it has no {ArchitectureFile}; " +
                (File.Exists(folder.BestArchitectureJsonPath) || File.Exists(Path.Combine(folder.CheckpointsPath, Loop.EnasSearch.CheckpointName))
                    ? "it is a search run: continue it with --resume --out DIR, without train)"
                    : "was it written by train?)") +
                ". Start a new run with train --arch FILE --out DIR.");
        return folder;
    }

    private static void Report(TextWriter stdout, RunFolder folder, SearchOptions o, RetrainResult result)
    {
        stdout.WriteLine($"test accuracy after training from scratch: {result.TestAccuracy:P2} (" +
                         (result.Parameters > 0 ? $"{result.Parameters:N0} parameters, " : "") +
                         $"{ProgressReporter.Count(result.Epochs, "epoch")}, {ProgressReporter.FormatDuration(TimeSpan.FromSeconds(result.Seconds))} of training)");
        stdout.WriteLine($"model: {folder.File(ModelFile)}; curves: accuracy.svg, loss.svg; per-epoch metrics.jsonl; report.html; all in {folder.Path}");
        stdout.WriteLine("evaluate the saved model with:");
        stdout.WriteLine("  " + EvalCommand(o, folder));
    }

    /// <summary>The eval command for the model of the run in <paramref name="folder"/> trained with <paramref name="o"/>.</summary>
    public static string EvalCommand(SearchOptions o, RunFolder folder)
    {
        var r = o.Retrain;
        var parts = new List<string>
        {
            $"{CliApp.Invocation} eval",
            $"--arch {Quote(folder.File(ArchitectureFile))}", $"--model {Quote(folder.File(ModelFile))}", $"--dataset {o.Dataset}",
        };
        if (o.DataDir is not null) parts.Add($"--data {Quote(o.DataDir)}");
        parts.AddRange(DataLoading.FolderFlags(o));
        parts.Add($"--channels {(r.Channels > 0 ? r.Channels : o.Channels)}");
        if (o.Space == MicroSpace.SpaceName) parts.Add($"--layers {(r.Layers > 0 ? r.Layers : o.Layers)}");
        if (r.Network != new RetrainOptions().Network) parts.Add($"--network {r.Network}"); // macro too: final = dense convs
        return string.Join(' ', parts);
    }

    private static string Quote(string s) => CliApp.Quote(s);

    /// <summary>Test accuracy of the model <paramref name="modelPath"/> (a train run's model.ckpt, or its
    /// checkpoints/last.ckpt: the latest epoch) of the architecture in <paramref name="archPath"/>.</summary>
    public static int Eval(SearchOptions o, string archPath, string modelPath, TextWriter stdout)
    {
        var (space, arch) = ReadArchitecture(archPath, o.Space);
        o = o with { Space = space.Name };
        var device = DeviceSelection.Resolve(o.Device);
        var data = DataLoading.Load(o);
        var splits = DataSplits.Create(data, 0, o.Seed);
        var network = Retrainer.Network(space, o, splits.Train);
        using var fresh = new FreshWeights(0, device);
        var child = ChildBuilder.Build(space, arch, network, fresh, device);
        var entries = ModelCheckpoint.Read(modelPath);
        try { fresh.Load(entries, modelPath); }
        catch (InvalidDataException e)
        {
            throw new CliException($"{e.Message}; pass the --channels/--layers/--network used for training");
        }
        var test = new Batcher(splits.Test, 200, 0, shuffle: false);
        double acc = Evaluator.Accuracy(child, test, device, new ForwardContext(false, new Util.XoshiroRandom(0)));
        stdout.WriteLine($"test accuracy: {acc:P2} on {splits.Test.Count} images ({child.ParameterCount:N0} parameters)");
        return 0;
    }
}
