using System.Runtime.InteropServices;
using Enas.Search.Export.Onnx;
using Google.Protobuf;

namespace Enas.Search.Export;

/// <summary>
/// Builds an ONNX <see cref="GraphProto"/> node by node: unique value names, float32 and int64 initializers (raw
/// little-endian data), and attributes. Knows nothing of the network; <see cref="OnnxNodeEmitter"/> decides what to add.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodeCount;

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new() { Name = "enas" };

    /// <summary><paramref name="wanted"/> if no value has that name yet, else it with the first free "_k" suffix.</summary>
    public string UniqueName(string wanted)
    {
        string name = wanted;
        for (int k = 1; !_names.Add(name); k++) name = $"{wanted}_{k}";
        return name;
    }

    /// <summary>Adds a float32 initializer of <paramref name="dims"/> holding <paramref name="values"/> (row-major);
    /// returns its name.</summary>
    public string AddInitializer(string wantedName, ReadOnlySpan<int> dims, ReadOnlySpan<float> values)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian");
        var t = new TensorProto { Name = UniqueName(wantedName), DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int d in dims) t.Dims.Add(d);
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>Adds a one-dimensional int64 initializer (shapes, axes); returns its name.</summary>
    public string AddInt64Initializer(string wantedName, params long[] values)
    {
        var t = new TensorProto { Name = UniqueName(wantedName), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.Add(values);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>Adds a node of <paramref name="opType"/> reading <paramref name="inputs"/>; its one output is named
    /// <paramref name="output"/> (made unique) or, when null, after the node. Returns the output's name.</summary>
    public string AddNode(string opType, IEnumerable<string> inputs, string? output, params AttributeProto[] attributes)
    {
        string nodeName = $"{opType}_{_nodeCount++}";
        string outName = UniqueName(output ?? nodeName + "_out");
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.Add(inputs);
        node.Output.Add(outName);
        node.Attribute.Add(attributes);
        Graph.Node.Add(node);
        return outName;
    }

    /// <summary>A float32 tensor value info with the dims given (a null dim is the symbolic batch size "N").</summary>
    public static ValueInfoProto TensorInfo(string name, params int?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (int? d in dims)
            shape.Dim.Add(d is int v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>An INT attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An INTS attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>A FLOAT attribute.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };
}
