using System.Collections.Immutable;
using System.Text;

namespace Enas.Search.Spaces;

/// <summary>One computed node of a micro cell: output = OpA(InputA) + OpB(InputB). Inputs 0 and 1 are the cell inputs.</summary>
public readonly record struct MicroNode(int InputA, OpKind OpA, int InputB, OpKind OpB);

/// <summary>A decoded micro cell: B computed nodes (ids 2..B+1).</summary>
public sealed class MicroCell
{
    internal MicroCell(ImmutableArray<MicroNode> nodes) => Nodes = nodes;

    /// <summary>The computed nodes in order; node i has id i + 2.</summary>
    public ImmutableArray<MicroNode> Nodes { get; }

    /// <summary>Ids (0..B+1) of the nodes no computed node reads: they are concatenated to form the cell output.</summary>
    public ImmutableArray<int> LooseEnds()
    {
        var used = new bool[Nodes.Length + 2];
        foreach (var n in Nodes) { used[n.InputA] = true; used[n.InputB] = true; }
        var result = ImmutableArray.CreateBuilder<int>();
        for (int i = 0; i < used.Length; i++)
            if (!used[i]) result.Add(i);
        return result.ToImmutable();
    }
}

/// <summary>
/// The ENAS micro (cell) space: a normal and a reduction cell of B computed nodes, each picking two earlier nodes and
/// two ops from {sep-conv 3x3, sep-conv 5x5, avg-pool 3x3, max-pool 3x3, identity}. Tokens per node:
/// <c>in1 op1 in2 op2</c>; 4·B tokens for the normal cell then 4·B for the reduction cell.
/// </summary>
public sealed class MicroSpace : ISearchSpace
{
    /// <summary>Op ids of the official encoding, index = token.</summary>
    public static readonly ImmutableArray<OpKind> Ops =
        [OpKind.SepConv3x3, OpKind.SepConv5x5, OpKind.AvgPool3x3, OpKind.MaxPool3x3, OpKind.Identity];

    /// <summary>Space name used in architecture files.</summary>
    public const string SpaceName = "micro";

    /// <summary>Creates the space with <paramref name="nodes"/> computed nodes per cell (B, default 5).</summary>
    public MicroSpace(int nodes = 5)
    {
        if (nodes < 1 || nodes > 32) throw new ArgumentOutOfRangeException(nameof(nodes), $"micro cells need 1..32 nodes, got {nodes}");
        Nodes = nodes;
        var list = new List<Decision>(8 * nodes);
        foreach (string cell in new[] { "normal", "reduce" })
            for (int k = 0; k < nodes; k++)
            {
                int id = k + 2;
                list.Add(new Decision($"{cell} node {id} input A", DecisionKind.InputIndex, id));
                list.Add(new Decision($"{cell} node {id} op A", DecisionKind.Op, Ops.Length));
                list.Add(new Decision($"{cell} node {id} input B", DecisionKind.InputIndex, id));
                list.Add(new Decision($"{cell} node {id} op B", DecisionKind.Op, Ops.Length));
            }
        Decisions = list;
    }

    /// <summary>Computed nodes per cell (B).</summary>
    public int Nodes { get; }

    /// <inheritdoc />
    public string Name => SpaceName;

    /// <inheritdoc />
    public int Size => Nodes;

    /// <summary>The node count whose space has <paramref name="tokens"/> tokens (8 per node), or null when none has.</summary>
    public static int? SizeForTokens(int tokens) => tokens % 8 == 0 && tokens / 8 is >= 1 and <= 32 ? tokens / 8 : null;

    /// <inheritdoc />
    public IReadOnlyList<Decision> Decisions { get; }

    /// <inheritdoc />
    public ControllerVocabulary Vocabulary { get; } = ControllerVocabulary.WithBiasAndPrior(Ops);

    /// <inheritdoc />
    public void Validate(Architecture architecture) => SearchSpaceChecks.CheckRanges(this, architecture);

    /// <summary>Decodes the normal (reduce = false) or reduction cell.</summary>
    public MicroCell Cell(Architecture architecture, bool reduce)
    {
        Validate(architecture);
        int offset = reduce ? 4 * Nodes : 0;
        var t = architecture.Tokens;
        var nodes = ImmutableArray.CreateBuilder<MicroNode>(Nodes);
        for (int k = 0; k < Nodes; k++)
        {
            int o = offset + 4 * k;
            nodes.Add(new MicroNode(t[o], Ops[t[o + 1]], t[o + 2], Ops[t[o + 3]]));
        }
        return new MicroCell(nodes.MoveToImmutable());
    }

    /// <summary>Builds an architecture from two decoded cells.</summary>
    public Architecture Encode(IReadOnlyList<MicroNode> normal, IReadOnlyList<MicroNode> reduce)
    {
        var tokens = ImmutableArray.CreateBuilder<int>(8 * Nodes);
        foreach (var cell in new[] { normal, reduce })
        {
            if (cell.Count != Nodes)
                throw new InvalidArchitectureException($"micro cell has {cell.Count} nodes; this space needs {Nodes}");
            foreach (var n in cell)
            {
                tokens.Add(n.InputA); tokens.Add(OpId(n.OpA)); tokens.Add(n.InputB); tokens.Add(OpId(n.OpB));
            }
        }
        var arch = new Architecture(Name, tokens.MoveToImmutable());
        Validate(arch);
        return arch;
    }

    private static int OpId(OpKind op)
    {
        int i = Ops.IndexOf(op);
        if (i < 0) throw new InvalidArchitectureException($"op {op} is not in the micro space (allowed: {string.Join(", ", Ops)})");
        return i;
    }

    /// <inheritdoc />
    public IReadOnlyList<(string File, string Svg)> Draw(Architecture architecture) =>
    [
        ("normal-cell.svg", MicroCellDrawing.Svg("normal cell", Cell(architecture, false))),
        ("reduction-cell.svg", MicroCellDrawing.Svg("reduction cell", Cell(architecture, true))),
    ];

    /// <inheritdoc />
    public string Describe(Architecture architecture)
    {
        var sb = new StringBuilder();
        foreach (bool reduce in new[] { false, true })
        {
            var cell = Cell(architecture, reduce);
            sb.Append(reduce ? "reduce: " : "normal: ");
            for (int k = 0; k < cell.Nodes.Length; k++)
            {
                var n = cell.Nodes[k];
                sb.Append($"n{k + 2}={n.OpA.Short()}({n.InputA})+{n.OpB.Short()}({n.InputB}); ");
            }
            sb.Append("out=concat(").Append(string.Join(',', cell.LooseEnds().Select(i => "n" + i))).Append(')');
            if (!reduce) sb.AppendLine();
        }
        return sb.ToString();
    }
}
