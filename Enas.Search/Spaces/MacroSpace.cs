using System.Collections.Immutable;
using System.Text;

namespace Enas.Search.Spaces;

/// <summary>One decoded macro layer i: its op and i skip bits; bit j adds the stem output (j = 0) or the output of
/// layer j - 1 (<see cref="MacroSkipIndexing"/>).</summary>
public sealed record MacroLayer(OpKind Op, ImmutableArray<bool> Skips)
{
    /// <summary>The stored outputs this layer adds to its op output, by position (0 = the stem, p = layer p - 1).</summary>
    public IEnumerable<int> SkipSources => Enumerable.Range(0, Skips.Length).Where(j => Skips[j]);
}

/// <summary>
/// The ENAS macro (whole network) space: L layers, each one op from {conv3, sep3, conv5, sep5, avg3, max3} and skip
/// bits: for layer i (0-based) the op id then i skip bits (L + L(L-1)/2 tokens), bit j reading the stem (j = 0) or
/// layer j - 1, as the authors' code does (<see cref="MacroSkipIndexing"/>).
/// Factorised reductions follow layers <c>L/3 - 1</c> and <c>2L/3 - 1</c>.
/// </summary>
public sealed class MacroSpace : ISearchSpace
{
    /// <summary>Op ids of the official encoding, index = token.</summary>
    public static readonly ImmutableArray<OpKind> Ops =
        [OpKind.Conv3x3, OpKind.SepConv3x3, OpKind.Conv5x5, OpKind.SepConv5x5, OpKind.AvgPool3x3, OpKind.MaxPool3x3];

    /// <summary>Space name used in architecture files.</summary>
    public const string SpaceName = "macro";

    /// <summary>Creates the space with <paramref name="layers"/> layers (default 12).</summary>
    public MacroSpace(int layers = 12)
    {
        if (layers < 1 || layers > 64) throw new ArgumentOutOfRangeException(nameof(layers), $"macro space needs 1..64 layers, got {layers}");
        Layers = layers;
        var list = new List<Decision>();
        for (int i = 0; i < layers; i++)
        {
            list.Add(new Decision($"layer {i} op", DecisionKind.Op, Ops.Length));
            for (int j = 0; j < i; j++)
                list.Add(new Decision($"layer {i} skip from {(j == 0 ? "the stem" : $"layer {j - 1}")}", DecisionKind.Skip, 2));
        }
        Decisions = list;
        int d = layers / 3;
        ReductionAfter = d >= 1 ? [d - 1, 2 * d - 1] : [];
    }

    /// <summary>Number of layers (L).</summary>
    public int Layers { get; }

    /// <summary>0-based layers after which a factorised reduction halves the resolution.</summary>
    public ImmutableArray<int> ReductionAfter { get; }

    /// <inheritdoc />
    public string Name => SpaceName;

    /// <inheritdoc />
    public int Size => Layers;

    /// <summary>The layer count L whose space has <paramref name="tokens"/> = L + L(L-1)/2 tokens, or null when none has.</summary>
    public static int? SizeForTokens(int tokens)
    {
        for (int l = 1; l <= 64; l++)
            if (OpPosition(l) == tokens) return l;
        return null;
    }

    /// <inheritdoc />
    public IReadOnlyList<Decision> Decisions { get; }

    /// <inheritdoc />
    public ControllerVocabulary Vocabulary { get; } = new(Ops.Length);

    /// <inheritdoc />
    public void Validate(Architecture architecture) => SearchSpaceChecks.CheckRanges(this, architecture);

    /// <summary>Token position of layer <paramref name="i"/>'s op id.</summary>
    public static int OpPosition(int i) => i + i * (i - 1) / 2;

    /// <summary>Decodes every layer.</summary>
    public ImmutableArray<MacroLayer> Decode(Architecture architecture)
    {
        Validate(architecture);
        var t = architecture.Tokens;
        var result = ImmutableArray.CreateBuilder<MacroLayer>(Layers);
        for (int i = 0; i < Layers; i++)
        {
            int p = OpPosition(i);
            var skips = ImmutableArray.CreateBuilder<bool>(i);
            for (int j = 0; j < i; j++) skips.Add(t[p + 1 + j] == 1);
            result.Add(new MacroLayer(Ops[t[p]], skips.MoveToImmutable()));
        }
        return result.MoveToImmutable();
    }

    /// <summary>Encodes decoded layers.</summary>
    public Architecture Encode(IReadOnlyList<MacroLayer> layers)
    {
        if (layers.Count != Layers) throw new InvalidArchitectureException($"macro architecture has {layers.Count} layers; this space needs {Layers}");
        var tokens = ImmutableArray.CreateBuilder<int>(Decisions.Count);
        for (int i = 0; i < Layers; i++)
        {
            int op = Ops.IndexOf(layers[i].Op);
            if (op < 0) throw new InvalidArchitectureException($"layer {i}: op {layers[i].Op} is not in the macro space");
            if (layers[i].Skips.Length != i) throw new InvalidArchitectureException($"layer {i} needs {i} skip bits, got {layers[i].Skips.Length}");
            tokens.Add(op);
            foreach (bool s in layers[i].Skips) tokens.Add(s ? 1 : 0);
        }
        return new Architecture(Name, tokens.MoveToImmutable());
    }

    /// <summary>Fraction of possible skip connections that are on.</summary>
    public double SkipRate(Architecture architecture)
    {
        var layers = Decode(architecture);
        int on = layers.Sum(l => l.Skips.Count(s => s));
        int total = Layers * (Layers - 1) / 2;
        return total == 0 ? 0 : (double)on / total;
    }

    /// <inheritdoc />
    public IReadOnlyList<(string File, string Svg)> Draw(Architecture architecture) =>
        [("macro-network.svg", MacroNetworkDrawing.Svg(this, architecture))];

    /// <inheritdoc />
    public string Describe(Architecture architecture)
    {
        var sb = new StringBuilder();
        var layers = Decode(architecture);
        for (int i = 0; i < layers.Length; i++)
        {
            if (i > 0) sb.Append("; ");
            sb.Append($"L{i}={layers[i].Op.Short()}");
            var from = layers[i].SkipSources.Select(MacroSkipIndexing.SourceLabel).ToArray();
            if (from.Length > 0) sb.Append("+skip(").Append(string.Join(',', from)).Append(')');
            if (ReductionAfter.Contains(i)) sb.Append("; reduce");
        }
        return sb.ToString();
    }
}
