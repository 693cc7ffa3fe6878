using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary><c>train</c> (retrain an architecture from scratch, save the model) and <c>eval</c> (test accuracy of a saved model).</summary>
internal static class TrainAction
{
    public const string ModelFile = "model.ckpt";

    /// <summary>The architecture <c>--arch</c> names (see <see cref="ArchitectureArgument"/>); <paramref name="space"/>
    /// is <c>--space</c> (empty: inferred).</summary>
    public static (ISearchSpace Space, Architecture Arch) ReadArchitecture(string arch, string? space = null) =>
        ArchitectureArgument.Read(arch, space);

    public static int Train(SearchOptions o, string archPath, string? outDir, TextWriter stdout, bool? live = null)
    {
        var (space, arch) = ReadArchitecture(archPath, o.Space);
        o = o with { Space = space.Name, Nodes = space is MicroSpace m ? m.Nodes : o.Nodes, Layers = space is MacroSpace mc ? mc.Layers : o.Layers };
        var device = DeviceSelection.Resolve(o.Device);
        var (train, test) = RetrainData.Split(Datasets.Load(o.Dataset, o.DataDir), o.Retrain);
        outDir ??= Path.Combine("runs", $"train-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        var folder = RunFolder.Create(outDir, JsonSerializer.Serialize(o, SearchJsonContext.Default.SearchOptions));
        folder.WriteText("architecture.json", ArchitectureJson.Serialize(space, arch));
        using var progress = new ProgressReporter(stdout, live);
        RetrainResult result;
        using (var metrics = folder.OpenMetrics())
            result = Retrainer.Run(space, arch, o, train, test, device, metrics, progress,
                fresh => SaveModel(folder.File(ModelFile), fresh));
        RunOutputs.WritePlots(folder);
        stdout.WriteLine($"test accuracy after training from scratch: {result.TestAccuracy:P2} ({result.Parameters:N0} parameters, " +
                         $"{result.Epochs} epochs, {ProgressReporter.FormatDuration(TimeSpan.FromSeconds(result.Seconds))}); outputs in {folder.Path}");
        return 0;
    }

    private static void SaveModel(string path, FreshWeights fresh)
    {
        var entries = fresh.Parameters.Select(p => new CheckpointEntry(p.Name, p.Shape.ToArray(), p.ToFloatArray()))
            .Concat(fresh.Buffers.Select(b => new CheckpointEntry(b.Name, b.Tensor.Shape.ToArray(), b.Tensor.ToFloatArray())));
        Checkpoint.Write(path, "{}", entries);
    }

    public static int Eval(SearchOptions o, string archPath, string modelPath, TextWriter stdout)
    {
        var (space, arch) = ReadArchitecture(archPath, o.Space);
        o = o with { Space = space.Name };
        var device = DeviceSelection.Resolve(o.Device);
        var data = Datasets.Load(o.Dataset, o.DataDir);
        var splits = DataSplits.Create(data, 0, o.Seed);
        var network = Retrainer.Network(space, o, splits.Train);
        using var fresh = new FreshWeights(0, device);
        var child = ChildBuilder.Build(space, arch, network, fresh, device);
        var entries = ModelCheckpoint.Read(modelPath);
        void Load(string name, Tensor t)
        {
            if (!entries.TryGetValue(name, out var e) || e.Data.Length != t.ElementCount)
                throw new CliException($"{modelPath} does not match this architecture and size (missing or mis-sized '{name}'); pass the --channels/--layers/--network used for training");
            if (t is Parameter p) p.Load<float>(e.Data); else t.Backend.Upload<float>(e.Data, t.Buffer);
        }
        foreach (var p in fresh.Parameters) Load(p.Name, p);
        foreach (var (name, t) in fresh.Buffers) Load(name, t);
        var test = new Batcher(splits.Test, 200, 0, shuffle: false);
        double acc = Evaluator.Accuracy(child, test, device, new ForwardContext(false, new Util.XoshiroRandom(0)));
        stdout.WriteLine($"test accuracy: {acc:P2} on {splits.Test.Count} images ({child.ParameterCount:N0} parameters)");
        return 0;
    }
}
