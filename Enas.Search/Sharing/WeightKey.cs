using Enas.Search.Spaces;

namespace Enas.Search.Sharing;

/// <summary>
/// Identifies one shared weight: the cell/layer it lives in (e.g. "cell3", "layer5", "stem", "head"), the node, the
/// op (when it belongs to a candidate op), its role inside that op (e.g. "sep.0.depthwise") and, where ENAS makes
/// weights input-specific (micro sep-convs), the index of the input node; -1 otherwise.
/// </summary>
public sealed record WeightKey(string Cell, int Node, OpKind? Op, string Role, int Input = -1)
{
    /// <summary>A dotted name, e.g. "cell3.node4.in1.SepConv3x3.sep.0.depthwise".</summary>
    public override string ToString()
    {
        string s = Cell;
        if (Node >= 0) s += $".node{Node}";
        if (Input >= 0) s += $".in{Input}";
        if (Op is { } op) s += "." + op;
        return s + "." + Role;
    }
}

/// <summary>How a weight is initialised.</summary>
public enum WeightInit
{
    /// <summary>He normal with the given fan-in: N(0, 2 / fanIn).</summary>
    HeNormal,
    /// <summary>All ones (BN scale).</summary>
    Ones,
    /// <summary>All zeros (BN shift).</summary>
    Zeros,
}
