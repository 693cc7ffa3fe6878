using System.Diagnostics;
using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Data;
using Enas.Search.Export;
using Enas.Search.Loop;
using Enas.Search.Network;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>
/// <c>export --model DIR|FILE --onnx OUT.onnx</c> (and <c>train --export-onnx</c>): the trained model as an ONNX
/// model (<see cref="OnnxExporter"/>). The model's description comes from its model.ckpt metadata
/// (<see cref="ModelInfo"/>); for a model written before models carried it, or a run's per-epoch checkpoint, from
/// the run folder's architecture.json and config.json and the dataset they name (for the normalisation).
/// </summary>
internal static class ExportAction
{
    /// <summary>Exports the model at <paramref name="model"/> (a train run folder or a model file) to
    /// <paramref name="onnx"/>; prints what it wrote.</summary>
    public static int Run(string model, string onnx, TextWriter stdout)
    {
        string target = OnnxTarget.Check(onnx, "--onnx");
        string path = ModelPath(model);
        var (meta, entries) = ModelCheckpoint.ReadWithMetadata(path);
        var info = ModelInfo.Parse(meta, path) ?? FromRunFolder(path);
        Write(info, entries, path, target, stdout);
        return 0;
    }

    /// <summary>Exports a model just trained (its description and weights in memory) to <paramref name="target"/>,
    /// a path <see cref="OnnxTarget.Check"/> accepted.</summary>
    public static void Write(ModelInfo info, IReadOnlyDictionary<string, CheckpointEntry> entries, string source, string target,
        TextWriter stdout)
    {
        var clock = Stopwatch.StartNew();
        var (space, arch) = ArchitectureJson.Deserialize(info.ArchitectureJson);
        using var fresh = new FreshWeights(0, Device.Cpu);
        var child = ChildBuilder.Build(space, arch, info.ToNetworkOptions(), fresh, Device.Cpu);
        try { fresh.Load(entries, $"--model {source}"); }
        catch (InvalidDataException e) { throw new CliException($"{e.Message}: the file's weights do not fit the network its description names; export the model.ckpt that train wrote"); }
        var bytes = OnnxExporter.Export(child, info, Device.Cpu);
        OnnxTarget.Write(target, bytes);
        clock.Stop();
        stdout.WriteLine($"wrote {target}: ONNX opset {OnnxExporter.Opset}, {bytes.Length / 1024.0:N1} KiB, {child.ParameterCount:N0} parameters, " +
                         $"in {clock.Elapsed.TotalSeconds:0.00} s");
        stdout.WriteLine($"input {OnnxExporter.InputName}: float32 [N, {info.InputChannels}, {info.ImageSize}, {info.ImageSize}], pixels in [0, 1] " +
                         $"(normalised inside the graph: mean {Join(info.Mean)}, std {Join(info.Std)}); output {OnnxExporter.OutputName}: [N, {info.Classes}]");
    }

    /// <summary>The model file <paramref name="model"/> names: itself, or a train run folder's model.ckpt.</summary>
    private static string ModelPath(string model)
    {
        if (!Directory.Exists(model)) return model; // a file (ModelCheckpoint says when it is missing)
        string file = Path.Combine(model, TrainAction.ModelFile);
        if (File.Exists(file)) return file;
        if (File.Exists(Path.Combine(model, RunFolder.BestArchitectureJsonFile)) || File.Exists(Path.Combine(model, RunFolder.CheckpointsFolder, EnasSearch.CheckpointName)))
            throw new CliException($"--model {model} is a search run, which holds no trained model. Train its architecture first with " +
                                   $"train --arch {Path.Combine(model, RunFolder.BestArchitectureJsonFile)} --out DIR, then export DIR");
        if (File.Exists(Path.Combine(model, TrainAction.ArchitectureFile)))
            throw new CliException($"--model {model} has no {TrainAction.ModelFile} yet: its training has not finished. Continue it with " +
                                   $"train --resume --out {CliApp.Quote(model)}, or export its latest epoch with --model {Path.Combine(model, RunFolder.CheckpointsFolder, TrainAction.CheckpointName)}");
        throw new CliException($"--model {model}: no {TrainAction.ModelFile} in this folder; give a train run folder or the {TrainAction.ModelFile} train wrote");
    }

    /// <summary>The description of a model whose file has none: from its train run folder (the model's folder, or
    /// the run above a checkpoints folder) and the dataset its config names.</summary>
    private static ModelInfo FromRunFolder(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (Path.GetFileName(dir) == RunFolder.CheckpointsFolder) dir = Path.GetDirectoryName(dir) ?? dir;
        string archFile = Path.Combine(dir, TrainAction.ArchitectureFile), config = Path.Combine(dir, RunFolder.ConfigFile);
        if (!File.Exists(archFile) || !File.Exists(config))
            throw new CliException($"--model {path} does not describe itself (written before models carried their description) and is not in " +
                                   $"a train run folder with {TrainAction.ArchitectureFile} and {RunFolder.ConfigFile}; export it from its run folder");
        var (space, arch) = TrainAction.ReadArchitecture(archFile);
        var o = SearchAction.StoredOptions(File.ReadAllText(config), config);
        var data = Datasets.Load(o.Dataset, o.DataDir);
        var stats = data.Train.ComputeChannelStats(); // what DataSplits normalised the retraining with
        var network = Retrainer.Network(space, o with { Space = space.Name }, data.Train);
        return ModelInfo.Create(space, arch, network, o.Dataset, stats, ModelInfo.KnownClassNames(o.Dataset));
    }

    private static string Join(float[] v) => "[" + string.Join(", ", v.Select(x => x.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
