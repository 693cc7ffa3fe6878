using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Tracing;
using Enas.Search.Export.Onnx;
using Enas.Search.Network;
using Enas.Search.Spaces;
using Google.Protobuf;

namespace Enas.Search.Export;

/// <summary>
/// Turns a trained child network into an ONNX model. The graph is the network's own eval-mode forward pass, traced
/// (<see cref="GraphTrace"/>) and translated op by op (<see cref="OnnxNodeEmitter"/>), so it is the network that
/// <c>eval</c> scores, whichever builder style made it: no aux head, no drop-path, no dropout, batch norm with the
/// running statistics as BatchNormalization nodes. The input normalisation is inside the graph.
/// <list type="bullet">
/// <item>input <c>images</c>: float32 [N, C, H, W], pixels in [0, 1] as the data loaders produce them (N dynamic);</item>
/// <item>first nodes: (images − mean) · (1 / std) per channel, the normalisation the training data had;</item>
/// <item>output <c>logits</c>: float32 [N, classes] (no softmax).</item>
/// </list>
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 18;

    /// <summary>The ONNX IR version written (the one that goes with opset 18).</summary>
    public const int IrVersion = 8;

    /// <summary>The name of the graph input.</summary>
    public const string InputName = "images";

    /// <summary>The name of the graph output.</summary>
    public const string OutputName = "logits";

    /// <summary>Serialised ONNX model of <paramref name="child"/> described by <paramref name="info"/>.</summary>
    /// <exception cref="NotSupportedException">The network uses an op with no exact ONNX translation.</exception>
    public static byte[] Export(ChildNetwork child, ModelInfo info, Device device) => Build(child, info, device).ToByteArray();

    /// <summary>The ONNX model of <paramref name="child"/> described by <paramref name="info"/>, traced on
    /// <paramref name="device"/> with a batch of two blank images.</summary>
    internal static ModelProto Build(ChildNetwork child, ModelInfo info, Device device)
    {
        int c = info.InputChannels, size = info.ImageSize;
        TracedGraph trace;
        using (var blank = Tensor.Zeros(new Shape(2, c, size, size), device: device, persistent: true))
            trace = GraphTrace.Record(blank, x => child.Forward(x, new ForwardContext(false, new Random(0))).Logits);
        var g = new OnnxGraphBuilder();
        g.UniqueName(InputName);
        string centred = g.AddNode("Sub", [InputName, g.AddInitializer("input_mean", [1, c, 1, 1], info.Mean)], "centred");
        var inverse = info.Std.Select(s => 1f / s).ToArray(); // exactly what ImageDataset.Normalize multiplies by
        string normalised = g.AddNode("Mul", [centred, g.AddInitializer("input_inv_std", [1, c, 1, 1], inverse)], "normalised");
        var emitter = new OnnxNodeEmitter(trace, g, normalised);
        emitter.EmitAll(OutputName);
        var graph = g.Graph;
        graph.Input.Add(OnnxGraphBuilder.TensorInfo(InputName, null, c, size, size));
        graph.Output.Add(OnnxGraphBuilder.TensorInfo(OutputName, null, info.Classes));
        graph.DocString = $"Enas {child.Architecture.SpaceName} network ({info.Network} style), eval mode; input normalisation inside the graph";
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Enas",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Graph = graph,
            DocString = Summary(child, info),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in Metadata(child, info)) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>The model's metadata_props: what the model is and how to feed it.</summary>
    public static IEnumerable<(string Key, string Value)> Metadata(ChildNetwork child, ModelInfo info)
    {
        static string Floats(float[] v) => "[" + string.Join(", ", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";
        yield return ("enas.space", child.Architecture.SpaceName);
        yield return ("enas.architecture", child.Architecture.ToOfficialString());
        yield return ("enas.network", info.Network);
        yield return ("enas.channels", info.Channels.ToString(CultureInfo.InvariantCulture));
        if (child.Architecture.SpaceName == MicroSpace.SpaceName) yield return ("enas.layers", info.Layers.ToString(CultureInfo.InvariantCulture));
        yield return ("enas.dataset", info.Dataset);
        yield return ("enas.input", $"{InputName}: float32 [N, {info.InputChannels}, {info.ImageSize}, {info.ImageSize}], pixels in [0, 1]");
        yield return ("enas.normalization", "inside the graph: (images - mean) * (1 / std) per channel");
        yield return ("enas.mean", Floats(info.Mean));
        yield return ("enas.std", Floats(info.Std));
        yield return ("enas.output", $"{OutputName}: float32 [N, {info.Classes}], unnormalised class scores");
        if (info.ClassNames is { } names) yield return ("enas.classes", JsonSerializer.Serialize(names, ModelInfoJsonContext.Default.StringArray));
    }

    private static string Summary(ChildNetwork child, ModelInfo info) =>
        $"ENAS {child.Architecture.SpaceName} architecture {child.Architecture.ToOfficialString()} ({info.Network} network, C = {info.Channels}" +
        $"{(child.Architecture.SpaceName == MicroSpace.SpaceName ? $", {info.Layers} layers" : "")}), trained on {info.Dataset}. " +
        $"Feed {InputName} [N, {info.InputChannels}, {info.ImageSize}, {info.ImageSize}] with pixels in [0, 1]; {OutputName} [N, {info.Classes}].";
}
