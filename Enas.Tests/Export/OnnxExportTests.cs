using Enas.Search.Data;
using Enas.Search.Export;
using Enas.Search.Network;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;
using Enas.Tests.Data;
using Enas.Tests.Search;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Enas.Tests.Export;

/// <summary>
/// The exported ONNX model, run by ONNX Runtime, computes the engine's eval-mode logits: within 1e-4 of the largest
/// logit of each image, the same predicted class for every image, at two batch sizes (the batch axis is dynamic).
/// Micro and macro, the published ENAS architectures and random ones, search-style and final-style networks, each
/// trained a few steps so batch norm runs on non-trivial statistics.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string, string, NetworkStyle> Architectures => new()
    {
        { "micro", "published", NetworkStyle.Search },
        { "micro", "published", NetworkStyle.Final },
        { "macro", "published", NetworkStyle.Search },
        { "macro", "published", NetworkStyle.Final },
        { "micro", "random", NetworkStyle.Search },
        { "micro", "random", NetworkStyle.Final },
        { "macro", "random", NetworkStyle.Search },
        { "macro", "random", NetworkStyle.Final },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void OnnxRuntimeMatchesTheEngineOnSyntheticImages(string spaceName, string which, NetworkStyle style)
    {
        var train = SyntheticImages.Generate(48, classes: 10, height: 28, width: 28, seed: 3);
        var test = SyntheticImages.Generate(13, classes: 10, height: 28, width: 28, seed: 4);
        Check(spaceName, which, style, train, test, null);
    }

    [RequiresFashionMnistTheory]
    [MemberData(nameof(Architectures))]
    public void OnnxRuntimeMatchesTheEngineOnFashionMnistTestImages(string spaceName, string which, NetworkStyle style)
    {
        var data = FashionMnist.Load();
        var test = data.Test.Subset([.. Enumerable.Range(0, 40)]);
        Check(spaceName, which, style, data.Train, test, FashionMnist.ClassNames);
    }

    private void Check(string spaceName, string which, NetworkStyle style, ImageDataset train, ImageDataset test,
        IReadOnlyList<string>? classNames)
    {
        var (space, arch) = Pick(spaceName, which);
        using var model = TrainedModel.Train(space, arch, style, channels: spaceName == "micro" ? 6 : 4, layers: 2, train, classNames);
        var bytes = OnnxExporter.Export(model.Child, model.Info, Engine.Device.Cpu);
        using var session = new InferenceSession(bytes);
        Assert.Equal(arch.ToOfficialString(), session.ModelMetadata.CustomMetadataMap["enas.architecture"]);
        int classes = model.Info.Classes;
        foreach (int n in new[] { test.Count, 3 })
        {
            var raw = test.Pixels.AsSpan(0, n * test.ImageSize).ToArray();
            var engine = model.EngineLogits(raw, n);
            var onnx = OnnxOracle.Run(session, raw, n, test.Channels, test.Height);
            var (maxAbs, maxRel) = OnnxOracle.Compare(engine, onnx, classes);
            output.WriteLine($"{spaceName} {which} {style}, batch {n}: max |diff| {maxAbs:E2}, max relative {maxRel:E2}, " +
                             $"{bytes.Length:N0} bytes, logits range ±{engine.Max(Math.Abs):F3}");
            Assert.True(maxRel <= Tolerance, $"batch {n}: ONNX Runtime differs from the engine by {maxRel:E2} relative (max abs {maxAbs:E2})");
            Assert.Equal(OnnxOracle.Classes(engine, classes), OnnxOracle.Classes(onnx, classes));
        }
    }

    [Fact]
    public void TheGraphIsTheEvalModeNetworkInStandardOps()
    {
        var (space, arch) = Pick("micro", "published");
        var train = SyntheticImages.Generate(32, classes: 10, height: 28, width: 28, seed: 3);
        using var model = TrainedModel.Train(space, arch, NetworkStyle.Final, channels: 6, layers: 2, train, steps: 2);
        var proto = OnnxExporter.Build(model.Child, model.Info, Engine.Device.Cpu);

        Assert.Equal(OnnxExporter.Opset, Assert.Single(proto.OpsetImport).Version);
        var ops = proto.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Subset(new HashSet<string> { "Sub", "Mul", "Conv", "BatchNormalization", "Relu", "AveragePool", "MaxPool", "Add", "Concat",
            "GlobalAveragePool", "Flatten", "Gemm" }, ops);
        Assert.DoesNotContain("Dropout", ops);
        Assert.Single(proto.Graph.Node, n => n.OpType == "Gemm"); // the classifier; the aux head is not in the eval pass
        Assert.Equal(["Sub", "Mul"], proto.Graph.Node.Take(2).Select(n => n.OpType)); // the input normalisation first
        Assert.All(proto.Graph.Node.Where(n => n.OpType == "AveragePool"),
            n => Assert.Equal(0, n.Attribute.Single(a => a.Name == "count_include_pad").I));
        Assert.Contains(proto.Graph.Node, n => n.OpType == "Conv" && n.Attribute.Single(a => a.Name == "group").I >= 12); // depthwise (the cells are 12 and 24 wide)
        var input = Assert.Single(proto.Graph.Input);
        Assert.Equal(OnnxExporter.InputName, input.Name);
        Assert.Equal("N", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal([1, 28, 28], input.Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue));
        Assert.Equal(OnnxExporter.OutputName, Assert.Single(proto.Graph.Output).Name);
        Assert.Equal(OnnxExporter.OutputName, proto.Graph.Node[^1].Output.Single());
        var meta = proto.MetadataProps.ToDictionary(m => m.Key, m => m.Value);
        Assert.Equal(arch.ToOfficialString(), meta["enas.architecture"]);
        Assert.Equal("final", meta["enas.network"]);
        Assert.Contains("running_mean", string.Join(' ', proto.Graph.Initializer.Select(i => i.Name)));
    }

    /// <summary>The agreement test can fail: counting the padding in the average pools (ONNX's other reading) moves
    /// the logits far past the tolerance.</summary>
    [Fact]
    public void CountingThePaddingInTheAveragePoolsWouldBeCaught()
    {
        var (space, arch) = Pick("micro", "published");
        var train = SyntheticImages.Generate(32, classes: 10, height: 28, width: 28, seed: 3);
        var test = SyntheticImages.Generate(8, classes: 10, height: 28, width: 28, seed: 4);
        using var model = TrainedModel.Train(space, arch, NetworkStyle.Search, channels: 6, layers: 2, train, steps: 2);
        var proto = OnnxExporter.Build(model.Child, model.Info, Engine.Device.Cpu);
        foreach (var a in proto.Graph.Node.Where(n => n.OpType == "AveragePool").SelectMany(n => n.Attribute).Where(a => a.Name == "count_include_pad"))
            a.I = 1;
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var engine = model.EngineLogits(test.Pixels, test.Count);
        var (_, maxRel) = OnnxOracle.Compare(engine, OnnxOracle.Run(session, test.Pixels, test.Count, 1, 28), model.Info.Classes);
        output.WriteLine($"with count_include_pad = 1: max relative difference {maxRel:E2}");
        Assert.True(maxRel > 100 * Tolerance, $"only {maxRel:E2}");
    }

    /// <summary>The README's five lines, verbatim, on a 28x28 model written to a file.</summary>
    [Fact]
    public void TheReadmeSnippetClassifiesAnImage()
    {
        var (space, arch) = Pick("macro", "random");
        var train = SyntheticImages.Generate(32, classes: 10, height: 28, width: 28, seed: 3);
        using var model = TrainedModel.Train(space, arch, NetworkStyle.Search, channels: 4, layers: 2, train, FashionMnist.ClassNames, steps: 2);
        using var dir = new Infrastructure.TempFolder();
        File.WriteAllBytes(dir["model.onnx"], OnnxExporter.Export(model.Child, model.Info, Engine.Device.Cpu));
        float[] pixels = train.Image(7).ToArray();

        using var session = new InferenceSession(dir["model.onnx"]); // the README's "model.onnx", as a full path
        var image = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(pixels, [1, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("images", image)]);
        float[] logits = results[0].AsTensor<float>().ToArray();
        int predicted = Array.IndexOf(logits, logits.Max()); // names: session.ModelMetadata.CustomMetadataMap["enas.classes"]

        var engine = model.EngineLogits(pixels, 1);
        Assert.Equal(Array.IndexOf(engine, engine.Max()), predicted);
        Assert.Contains("\"Ankle boot\"", session.ModelMetadata.CustomMetadataMap["enas.classes"]);
    }

    /// <summary>The published ENAS architecture (micro with 5 nodes, macro with 24 layers) or a fixed random one
    /// (micro 4 nodes, macro 8 layers).</summary>
    internal static (ISearchSpace Space, Architecture Arch) Pick(string spaceName, string which)
    {
        if (which == "published")
        {
            var space = SearchSpaces.Create(spaceName, spaceName == "micro" ? 5 : 24);
            return (space, CnnComparison.Published(space)!);
        }
        var small = SearchSpaces.Create(spaceName, spaceName == "micro" ? 4 : 8);
        return (small, ArchitectureTests.RandomArch(small, new XoshiroRandom(spaceName == "micro" ? 21UL : 22UL)));
    }
}
