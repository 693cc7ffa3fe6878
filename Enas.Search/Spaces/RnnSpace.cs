using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Enas.Search.Spaces;

/// <summary>One node of a decoded recurrent cell: Output = highway(Activation, input). Node 0's input is (x_t, h_{t-1}).</summary>
/// <param name="Input">Index of the earlier node it reads; -1 for node 0.</param>
/// <param name="Activation">Its activation.</param>
public readonly record struct RnnNode(int Input, RnnActivation Activation);

/// <summary>A decoded recurrent cell: N nodes (0-based ids) and the loose ends whose mean is the cell output.</summary>
public sealed class RnnCellSpec
{
    internal RnnCellSpec(ImmutableArray<RnnNode> nodes)
    {
        Nodes = nodes;
        var used = new bool[nodes.Length];
        for (int i = 1; i < nodes.Length; i++) used[nodes[i].Input] = true;
        var ends = ImmutableArray.CreateBuilder<int>();
        for (int i = 0; i < nodes.Length; i++)
            if (!used[i]) ends.Add(i);
        LooseEnds = ends.ToImmutable();
    }

    /// <summary>The nodes in order.</summary>
    public ImmutableArray<RnnNode> Nodes { get; }

    /// <summary>Ids of the nodes no later node reads (never empty: the last node is always one).</summary>
    public ImmutableArray<int> LooseEnds { get; }

    /// <summary>The nodes whose mean is the cell output h_t under <paramref name="output"/>.</summary>
    public IReadOnlyList<int> OutputNodes(RnnCellOutput output) =>
        output == RnnCellOutput.AllNodes ? Enumerable.Range(0, Nodes.Length).ToArray() : LooseEnds;
}

/// <summary>Which nodes the cell output h_t averages.</summary>
public enum RnnCellOutput
{
    /// <summary>The loose ends (nodes no later node reads): the paper and ENAS-pytorch.</summary>
    LooseEnds,

    /// <summary>Every node: the GPU version of the authors' corrected code (<c>google-research/enas_lm</c>); each node
    /// then feeds h_t directly, which shortens the gradient path through deep chains.</summary>
    AllNodes,
}

/// <summary>
/// The ENAS recurrent cell space (<c>--space rnn</c>): N nodes; node 0 reads x_t and h_{t-1}; node i &gt; 0 reads one
/// earlier node; every node applies one of {tanh, ReLU, identity, sigmoid} inside a highway transition; the cell
/// output is the mean of the loose ends. Tokens follow the official TF <c>ptb</c> encoding, which Enas adopts as its
/// own: the activation of node 0, then per node i = 1..N-1 the pair <c>prev act</c> (prev in [0, i)): 2N - 1 tokens.
/// The space holds 4^N · (N-1)! cells.
/// </summary>
public sealed class RnnSpace : ISearchSpace
{
    /// <summary>Space name used in architecture files.</summary>
    public const string SpaceName = "rnn";

    /// <summary>The arc of the official TF <c>scripts/ptb_final.sh</c> (N = 12, our encoding as is).</summary>
    public const string PublishedTfFinal = "0 0 0 1 1 2 1 2 0 2 0 5 1 1 0 6 1 8 1 8 1 8 1";

    /// <summary>
    /// The cell published with <c>google-research/enas_lm</c> in ITS encoding (N = 9; node 0 fixed to tanh and not
    /// encoded; activations 0 tanh, 1 ReLU, 2 sigmoid, 3 identity). Load it with <see cref="ParseEnasLm"/>.
    /// </summary>
    public const string PublishedEnasLm = "0 2 1 0 2 1 2 2 4 0 5 0 3 2 6 2";

    /// <summary>Creates the space with <paramref name="nodes"/> nodes (default 12); with
    /// <paramref name="firstNodeTanh"/> node 0's activation is fixed to tanh (a one-option decision, token 0), as in the
    /// authors' corrected <c>enas_lm</c> code.</summary>
    public RnnSpace(int nodes = 12, bool firstNodeTanh = false)
    {
        if (nodes < 1 || nodes > 64)
            throw new ArgumentOutOfRangeException(nameof(nodes), $"recurrent cells need 1..64 nodes, got {nodes}");
        Nodes = nodes;
        FirstNodeTanh = firstNodeTanh;
        var list = new List<Decision>(2 * nodes - 1)
        {
            new("node 0 activation", DecisionKind.Op, firstNodeTanh ? 1 : RnnActivations.Count),
        };
        for (int i = 1; i < nodes; i++)
        {
            list.Add(new Decision($"node {i} input", DecisionKind.InputIndex, i));
            list.Add(new Decision($"node {i} activation", DecisionKind.Op, RnnActivations.Count));
        }
        Decisions = list;
    }

    /// <summary>Number of nodes N.</summary>
    public int Nodes { get; }

    /// <summary>Node 0's activation is fixed to tanh (token 0) instead of searched.</summary>
    public bool FirstNodeTanh { get; }

    /// <inheritdoc />
    public string Name => SpaceName;

    /// <inheritdoc />
    public int Size => Nodes;

    /// <summary>The node count N whose space has <paramref name="tokens"/> = 2N - 1 tokens, or null when none has.</summary>
    public static int? SizeForTokens(int tokens) => tokens % 2 == 1 && (tokens + 1) / 2 is >= 1 and <= 64 ? (tokens + 1) / 2 : null;

    /// <inheritdoc />
    public IReadOnlyList<Decision> Decisions { get; }

    /// <inheritdoc />
    public ControllerVocabulary Vocabulary { get; } = new(RnnActivations.Count);

    /// <inheritdoc />
    public void Validate(Architecture architecture) => SearchSpaceChecks.CheckRanges(this, architecture);

    /// <summary>Validates and decodes <paramref name="architecture"/>.</summary>
    public RnnCellSpec Decode(Architecture architecture)
    {
        Validate(architecture);
        var t = architecture.Tokens;
        var nodes = ImmutableArray.CreateBuilder<RnnNode>(Nodes);
        nodes.Add(new RnnNode(-1, (RnnActivation)t[0]));
        for (int i = 1; i < Nodes; i++) nodes.Add(new RnnNode(t[2 * i - 1], (RnnActivation)t[2 * i]));
        return new RnnCellSpec(nodes.MoveToImmutable());
    }

    /// <inheritdoc />
    public IReadOnlyList<(string File, string Svg)> Draw(Architecture architecture) =>
        [("rnn-cell.svg", RnnCellDrawing.Svg(this, architecture))];

    /// <inheritdoc />
    public string Describe(Architecture architecture) => Describe(architecture, RnnCellOutput.LooseEnds);

    /// <summary>The cell as text, node by node, with h_t the mean of the nodes <paramref name="output"/> selects.</summary>
    public string Describe(Architecture architecture, RnnCellOutput output)
    {
        var cell = Decode(architecture);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"recurrent cell, {Nodes} nodes\n");
        for (int i = 0; i < cell.Nodes.Length; i++)
        {
            var n = cell.Nodes[i];
            string input = i == 0 ? "x_t, h_{t-1}" : $"node {n.Input}";
            sb.Append(CultureInfo.InvariantCulture, $"  node {i}: {n.Activation.Name()}({input})\n");
        }
        sb.Append("  h_t = mean(").Append(string.Join(", ", cell.OutputNodes(output).Select(e => $"node {e}"))).Append(')');
        return sb.ToString();
    }

    /// <summary>
    /// Parses an arc in the <c>google-research/enas_lm</c> encoding (2(N-1) tokens: per node i = 1..N-1 the pair
    /// <c>prev func</c> with func 0 tanh, 1 ReLU, 2 sigmoid, 3 identity; node 0 is always tanh there) into this
    /// space's encoding for N = pairs + 1 nodes. Returns the space (node 0 fixed to tanh, as in enas_lm) and the
    /// validated architecture.
    /// </summary>
    public static (RnnSpace Space, Architecture Architecture) ParseEnasLm(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Length % 2 != 0)
            throw new InvalidArchitectureException(
                $"enas_lm arc has {parts.Length} tokens; it needs a positive even number (one 'prev func' pair per node after node 0)");
        var space = new RnnSpace(parts.Length / 2 + 1, firstNodeTanh: true);
        var tokens = ImmutableArray.CreateBuilder<int>(parts.Length + 1);
        tokens.Add((int)RnnActivation.Tanh);
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                throw new InvalidArchitectureException($"enas_lm arc: token {i} is '{parts[i]}', which is not an integer", i);
            int node = i / 2 + 1;
            if (i % 2 == 0 && (v < 0 || v >= node))
                throw new InvalidArchitectureException(
                    $"enas_lm arc: token {i} (node {node} input) is {v}; allowed 0..{node - 1}", i);
            if (i % 2 == 1)
            {
                if (v < 0 || v > 3)
                    throw new InvalidArchitectureException(
                        $"enas_lm arc: token {i} (node {node} function) is {v}; allowed 0..3", i);
                v = v switch { 2 => (int)RnnActivation.Sigmoid, 3 => (int)RnnActivation.Identity, _ => v };
            }
            tokens.Add(v);
        }
        var arch = new Architecture(SpaceName, tokens.MoveToImmutable());
        space.Validate(arch);
        return (space, arch);
    }

    /// <summary>Writes an architecture of this space in the <c>enas_lm</c> encoding (node 0 must be tanh there).</summary>
    public string ToEnasLm(Architecture architecture)
    {
        var cell = Decode(architecture);
        if (cell.Nodes[0].Activation != RnnActivation.Tanh)
            throw new InvalidArchitectureException(
                $"enas_lm cells always use tanh on node 0; this one uses {cell.Nodes[0].Activation.Name()}", 0);
        var parts = new List<string>();
        for (int i = 1; i < cell.Nodes.Length; i++)
        {
            var n = cell.Nodes[i];
            int f = n.Activation switch { RnnActivation.Sigmoid => 2, RnnActivation.Identity => 3, _ => (int)n.Activation };
            parts.Add(n.Input.ToString(CultureInfo.InvariantCulture));
            parts.Add(f.ToString(CultureInfo.InvariantCulture));
        }
        return string.Join(' ', parts);
    }
}
