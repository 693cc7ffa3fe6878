using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Export;
using Enas.Search.Network;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;
using Enas.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Enas.Tests.Export;

/// <summary><c>export --model DIR|FILE --onnx OUT</c> and <c>train --export-onnx</c>: what they write, and the
/// refusals (exit 2, the problem and the fix named, nothing written).</summary>
public sealed class ExportCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DataDir()
    {
        var dir = _dir["data"];
        if (!Directory.Exists(dir))
            SyntheticImages.WriteFashionMnist(dir, SyntheticImages.GenerateTrainTest(64, 24, classes: 4, height: 8, width: 8, seed: 5));
        return dir;
    }

    private string ArchFile()
    {
        var path = _dir["arch.json"];
        File.WriteAllText(path, ArchitectureJson.Serialize(new MicroSpace(2), new Architecture("micro", [0, 1, 1, 2, 2, 0, 0, 4, 1, 3, 0, 0, 2, 1, 1, 3])));
        return path;
    }

    private string[] Train(string outDir, params string[] more) =>
        ["train", "--arch", ArchFile(), "--data", DataDir(), "--epochs", "1", "--channels", "4", "--layers", "1", "--batch-size", "16",
         "--out", outDir, .. more];

    [Fact]
    public void TrainExportsAndExportWritesTheSameModelFromTheFolderTheFileAndTheLastCheckpoint()
    {
        string run = _dir["run"], fromTrain = _dir["train.onnx"];
        var (code, stdout, err) = CliRun.Run(output, Train(run, "--export-onnx", fromTrain));
        Assert.True(code == 0, err);
        Assert.Contains($"wrote {fromTrain}: ONNX opset 18", stdout);
        var expected = File.ReadAllBytes(fromTrain);
        string[] sources = [run, Path.Combine(run, "model.ckpt"), Path.Combine(run, "checkpoints", "last.ckpt")];
        foreach (var (source, i) in sources.Select((s, i) => (s, i)))
        {
            string target = _dir[$"export{i}.onnx"];
            (code, stdout, err) = CliRun.Run(output, "export", "--model", source, "--onnx", target);
            Assert.True(code == 0, err);
            Assert.Equal(expected, File.ReadAllBytes(target)); // last.ckpt: described from the run folder and the data
        }
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*.tmp")); // the atomic write left no temporary file

        // ONNX Runtime computes what the saved model computes in the engine, on the test images.
        var (meta, entries) = ModelCheckpoint.ReadWithMetadata(Path.Combine(run, "model.ckpt"));
        var info = ModelInfo.Parse(meta, "model.ckpt")!;
        Assert.Equal(FashionMnist.ClassNames, info.ClassNames); // the idx loader always has Fashion-MNIST's ten classes
        var (space, arch) = ArchitectureJson.Deserialize(info.ArchitectureJson);
        using var fresh = new FreshWeights(0, Device.Cpu);
        var child = ChildBuilder.Build(space, arch, info.ToNetworkOptions(), fresh, Device.Cpu);
        fresh.Load(entries, "model.ckpt");
        var test = FashionMnist.Load(DataDir()).Test;
        var raw = (float[])test.Pixels.Clone();
        test.Normalize(info.Stats);
        float[] engine;
        using (TensorScope.Begin())
            engine = child.Forward(Tensor.FromArray(test.Pixels, new Shape(test.Count, 1, 8, 8)), new ForwardContext(false, new XoshiroRandom(0))).Logits.ToFloatArray();
        using var session = new InferenceSession(expected);
        var onnx = OnnxOracle.Run(session, raw, test.Count, 1, 8);
        var (maxAbs, maxRel) = OnnxOracle.Compare(engine, onnx, info.Classes);
        output.WriteLine($"exported model vs engine on {test.Count} images: max |diff| {maxAbs:E2}, relative {maxRel:E2}");
        Assert.True(maxRel <= 1e-4, $"{maxRel:E2}");
        Assert.Equal(OnnxOracle.Classes(engine, info.Classes), OnnxOracle.Classes(onnx, info.Classes));
        Assert.Contains("\"Ankle boot\"", session.ModelMetadata.CustomMetadataMap["enas.classes"]);
        Assert.Equal("fashion-mnist", session.ModelMetadata.CustomMetadataMap["enas.dataset"]);
    }

    [Fact]
    public void RefusesMissingCorruptAndSearchModelsAndWritesNothing()
    {
        string target = _dir["out.onnx"];
        void Refused(string model, params string[] expected)
        {
            var (code, _, err) = CliRun.Run(output, "export", "--model", model, "--onnx", target);
            Assert.Equal(CliApp.UsageError, code);
            foreach (var e in expected) Assert.Contains(e, err);
            Assert.False(File.Exists(target));
        }
        Refused(_dir["missing.ckpt"], "file not found", "give the model.ckpt");
        File.WriteAllBytes(_dir["garbage.ckpt"], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        Refused(_dir["garbage.ckpt"], "cannot be read as a model", "bad magic");
        Checkpoint.Write(_dir["search.ckpt"], "{}", [new CheckpointEntry("controller.0", [1], [0f]), new CheckpointEntry("bank.0", [1], [0f])]);
        Refused(_dir["search.ckpt"], "is a search checkpoint", "train --arch");
        Directory.CreateDirectory(_dir["search-run"]);
        File.WriteAllText(Path.Combine(_dir["search-run"], RunFolder.BestArchitectureJsonFile), "{}");
        Refused(_dir["search-run"], "is a search run", "train --arch");
        Checkpoint.Write(_dir["loose.ckpt"], "{}", [new CheckpointEntry("stem.conv", [1], [0f])]);
        Refused(_dir["loose.ckpt"], "does not describe itself", "run folder");
    }

    [Fact]
    public void RefusesAnUnwritableOutputBeforeDoingAnyWork()
    {
        string model = _dir["missing.ckpt"]; // the output is checked first: its error wins
        foreach (var (onnx, expected) in new[]
                 {
                     (Path.Combine(_dir["no-such-folder"], "m.onnx"), "does not exist"),
                     (_dir.Path, "is a folder"),
                     (Path.Combine(ArchFile(), "m.onnx"), "does not exist"),
                 })
        {
            var (code, _, err) = CliRun.Run(output, "export", "--model", model, "--onnx", onnx);
            Assert.Equal(CliApp.UsageError, code);
            Assert.Contains(expected, err);
        }
        string run = _dir["never"];
        var (trainCode, _, trainErr) = CliRun.Run(output, Train(run, "--export-onnx", Path.Combine(_dir["no-such-folder"], "m.onnx")));
        Assert.Equal(CliApp.UsageError, trainCode);
        Assert.Contains("--export-onnx", trainErr);
        Assert.False(Directory.Exists(run)); // refused before the run folder was made
        Assert.False(Directory.Exists(_dir["no-such-folder"]));
    }
}
