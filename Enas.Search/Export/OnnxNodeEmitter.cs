using Enas.Engine;
using Enas.Engine.Tracing;
using Enas.Kernels;
using static Enas.Search.Export.OnnxGraphBuilder;

namespace Enas.Search.Export;

/// <summary>
/// Translates the nodes of a <see cref="TracedGraph"/> into standard ONNX operators (opset
/// <see cref="OnnxExporter.Opset"/>), one traced op to one ONNX node or a short fixed sequence. Input-independent
/// values become initializers the first time a node reads them. Every translation is exact: the engine's semantics
/// (zero padding, floor output sizes, average pools that do not count padding, batch norm with running statistics)
/// are spelled out as the ONNX attributes that mean the same.
/// </summary>
internal sealed class OnnxNodeEmitter
{
    private readonly TracedGraph _trace;
    private readonly OnnxGraphBuilder _g;
    private readonly Dictionary<int, string> _names = new();

    /// <param name="trace">The traced pass.</param>
    /// <param name="graph">Where nodes and initializers go.</param>
    /// <param name="inputName">The ONNX value that stands for the traced input.</param>
    public OnnxNodeEmitter(TracedGraph trace, OnnxGraphBuilder graph, string inputName)
    {
        (_trace, _g) = (trace, graph);
        _names[trace.Input] = inputName;
    }

    /// <summary>Emits every node; the traced output is named <paramref name="outputName"/>.</summary>
    public void EmitAll(string outputName)
    {
        foreach (var node in _trace.Nodes)
            _names[node.Output] = Emit(node, node.Output == _trace.Output ? outputName : null);
    }

    private string Emit(TracedNode node, string? output)
    {
        var inputs = node.Inputs;
        string In(int i) => Value(inputs[i]);
        return node.Op switch
        {
            ConvDescription c => Conv(node, c, output),
            PoolDescription p => _g.AddNode(p.Kind == PoolKind.Max ? "MaxPool" : "AveragePool", [In(0)], output,
                [Ints("kernel_shape", p.Window, p.Window), Ints("strides", p.Stride, p.Stride),
                 Ints("pads", p.Padding, p.Padding, p.Padding, p.Padding), Int("ceil_mode", 0),
                 .. p.Kind == PoolKind.Max ? Array.Empty<Onnx.AttributeProto>() : [Int("count_include_pad", 0)]]),
            BatchNormDescription { Training: true } => throw new NotSupportedException(
                "batch norm in training mode (batch statistics) cannot be exported: trace the network in eval mode"),
            BatchNormDescription b => BatchNorm(node, b, output),
            UnaryDescription u => Unary(u.Op, In(0), output),
            BinaryDescription b => _g.AddNode(BinaryOnnxName(b.Op), [In(0), In(1)], output),
            ScaleShiftDescription s => ScaleShift(s, In(0), output),
            ConcatDescription c => _g.AddNode("Concat", inputs.Select(i => Value(i)), output, Int("axis", c.Axis)),
            MatMulDescription m => _g.AddNode("Gemm", [In(0), In(1)], output,
                Int("transA", m.TransposeA ? 1 : 0), Int("transB", m.TransposeB ? 1 : 0)),
            ReduceDescription r => Reduce(node, r, output),
            ReshapeDescription r => Reshape(node, r, output),
            _ => throw new NotSupportedException($"no ONNX translation for traced op {node.Op}"),
        };
    }

    /// <summary>The ONNX name of value <paramref name="id"/>: a node output, the input, or a new initializer.</summary>
    private string Value(int id, string? wantedName = null)
    {
        if (_names.TryGetValue(id, out string? name)) return name;
        var c = _trace.Constants[id];
        return _names[id] = _g.AddInitializer(c.Name ?? wantedName ?? $"const{id}", c.Shape.Dims, c.Values);
    }

    private string Conv(TracedNode node, ConvDescription c, string? output)
    {
        var w = _trace.Shapes[node.Inputs[1]];
        return _g.AddNode("Conv", [Value(node.Inputs[0]), Value(node.Inputs[1])], output,
            Ints("kernel_shape", w[2], w[3]), Ints("strides", c.Stride, c.Stride),
            Ints("pads", c.Padding, c.Padding, c.Padding, c.Padding), Ints("dilations", 1, 1), Int("group", c.Groups));
    }

    /// <summary>BatchNormalization (inference form, training_mode 0) with the running statistics as initializers,
    /// named after the affine scale's parameter where it has one.</summary>
    private string BatchNorm(TracedNode node, BatchNormDescription b, string? output)
    {
        string scale = Value(node.Inputs[1]);
        string stem = scale.EndsWith(".gamma", StringComparison.Ordinal) ? scale[..^".gamma".Length] : scale;
        return _g.AddNode("BatchNormalization",
            [Value(node.Inputs[0]), scale, Value(node.Inputs[2]), Value(node.Inputs[3], stem + ".running_mean"),
             Value(node.Inputs[4], stem + ".running_var")], output,
            Float("epsilon", (float)b.Epsilon));
    }

    private string Unary(string op, string x, string? output) => op switch
    {
        "Relu" or "Tanh" or "Sigmoid" or "Exp" or "Log" or "Identity" => _g.AddNode(op, [x], output),
        "Negate" => _g.AddNode("Neg", [x], output),
        "Square" => _g.AddNode("Mul", [x, x], output),
        _ => throw new NotSupportedException($"no ONNX translation for the unary op {op}"),
    };

    private static string BinaryOnnxName(string op) => op switch
    {
        "Add" => "Add",
        "Subtract" => "Sub",
        "Multiply" => "Mul",
        "Divide" => "Div",
        _ => throw new NotSupportedException($"no ONNX translation for the binary op {op}"),
    };

    /// <summary>alpha·x + beta as Mul and Add with scalar initializers (each left out when it changes nothing).</summary>
    private string ScaleShift(ScaleShiftDescription s, string x, string? output)
    {
        if (s.Alpha == 1 && s.Beta == 0) return _g.AddNode("Identity", [x], output);
        string y = x;
        if (s.Alpha != 1)
            y = _g.AddNode("Mul", [y, _g.AddInitializer("scale", [], [(float)s.Alpha])], s.Beta == 0 ? output : null);
        if (s.Beta != 0) y = _g.AddNode("Add", [y, _g.AddInitializer("shift", [], [(float)s.Beta])], output);
        return y;
    }

    /// <summary>The mean over H and W of [N, C, H, W] is GlobalAveragePool (then Flatten to [N, C] unless the
    /// dimensions are kept); any other reduction is ReduceSum/ReduceMean/ReduceMax with its axes.</summary>
    private string Reduce(TracedNode node, ReduceDescription r, string? output)
    {
        string x = Value(node.Inputs[0]);
        if (r is { Kind: ReduceKind.Mean, FirstAxis: 2, LastAxis: 3 } && _trace.Shapes[node.Inputs[0]].Rank == 4)
            return r.KeepDims
                ? _g.AddNode("GlobalAveragePool", [x], output)
                : _g.AddNode("Flatten", [_g.AddNode("GlobalAveragePool", [x], null)], output, Int("axis", 1));
        if (r.FirstAxis == 0) throw new NotSupportedException("a reduction over the batch axis cannot be exported with a dynamic batch");
        long[] axes = [.. Enumerable.Range(r.FirstAxis, r.LastAxis - r.FirstAxis + 1).Select(a => (long)a)];
        return _g.AddNode("Reduce" + r.Kind, [x, _g.AddInt64Initializer("axes", axes)], output, Int("keepdims", r.KeepDims ? 1 : 0));
    }

    /// <summary>Reshape keeping the batch axis (written as 0: "copy the input's", so the batch stays dynamic).</summary>
    private string Reshape(TracedNode node, ReshapeDescription r, string? output)
    {
        var from = _trace.Shapes[node.Inputs[0]];
        if (r.Shape.Rank == 0 || r.Shape[0] != from[0])
            throw new NotSupportedException($"a reshape of {from} to {r.Shape} changes the batch axis and cannot be exported with a dynamic batch");
        long[] dims = [0, .. r.Shape.Dims[1..].ToArray().Select(d => (long)d)];
        return _g.AddNode("Reshape", [Value(node.Inputs[0]), _g.AddInt64Initializer("shape", dims)], output);
    }
}
