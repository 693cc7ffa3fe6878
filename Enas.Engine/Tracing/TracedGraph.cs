namespace Enas.Engine.Tracing;

/// <summary>One op of a traced forward pass that depends on the traced input: its description, the value ids it reads
/// (in the description's operand order) and the value id it produces.</summary>
public sealed record TracedNode(OpDescription Op, IReadOnlyList<int> Inputs, int Output);

/// <summary>A value the traced pass reads that does not depend on its input (a parameter, a batch-norm statistic, a
/// product of parameters and constants): its shape and float32 contents, row-major, and the parameter's name when it
/// is one.</summary>
public sealed record TracedConstant(Shape Shape, float[] Values, string? Name);

/// <summary>
/// The dataflow graph of one forward pass recorded by <see cref="GraphTrace"/>: values are numbered; the nodes, in
/// execution order (so topologically sorted), compute every value that depends on <see cref="Input"/>; every other
/// value a node reads is in <see cref="Constants"/>. Shapes are those of the traced batch.
/// </summary>
public sealed class TracedGraph
{
    internal TracedGraph(int input, int output, IReadOnlyList<TracedNode> nodes,
        IReadOnlyDictionary<int, TracedConstant> constants, IReadOnlyDictionary<int, Shape> shapes)
    {
        (Input, Output, Nodes, Constants, Shapes) = (input, output, nodes, constants, shapes);
    }

    /// <summary>The id of the traced input.</summary>
    public int Input { get; }

    /// <summary>The id of the value the pass returned.</summary>
    public int Output { get; }

    /// <summary>The ops on the input's path, in execution order.</summary>
    public IReadOnlyList<TracedNode> Nodes { get; }

    /// <summary>Every input-independent value a node reads, by id.</summary>
    public IReadOnlyDictionary<int, TracedConstant> Constants { get; }

    /// <summary>The shape of every value (input, node outputs, constants), by id.</summary>
    public IReadOnlyDictionary<int, Shape> Shapes { get; }
}
