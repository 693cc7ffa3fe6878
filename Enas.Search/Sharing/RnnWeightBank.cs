using Enas.Engine.Nn;
using Enas.Engine;
using Enas.Kernels;
using Enas.Search.Network.Recurrent;
using Enas.Search.Spaces;

namespace Enas.Search.Sharing;

/// <summary>
/// Weights of the ENAS recurrent cell. Node 0: <see cref="Input"/> [D, 2H] applied to x_t and
/// <see cref="Recurrent"/> [H, 2H] applied to h_{t-1}. Node i &gt; 0 reading node j: <see cref="Edge"/>(i, j)
/// [H, 2H]. Each [·, 2H] matrix holds the edge's pair side by side: columns [0, H) are W_c (the highway gate) and
/// [H, 2H) are W_h (the candidate). The shared bank holds every (i, j &lt; i) edge, so its parameter count does not
/// depend on the sampled cell; <see cref="ForCell"/> holds only one cell's edges (fresh weights for retraining), and
/// the same <see cref="RecurrentCell"/> code runs on both.
/// </summary>
public sealed class RnnWeightBank : Module
{
    private readonly Parameter?[][] _edges; // [i][j], j < i

    /// <summary>The shared bank: all N(N-1)/2 edges, initialised U(-initRange, initRange).</summary>
    public RnnWeightBank(int nodes, int inputSize, int hidden, double initRange, Random rng,
        DType dtype = DType.Float32, Device? device = null)
        : this(nodes, inputSize, hidden, initRange, rng, dtype, device, null) { }

    private RnnWeightBank(int nodes, int inputSize, int hidden, double initRange, Random rng, DType dtype,
        Device? device, RnnCellSpec? only)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nodes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        Nodes = nodes;
        InputSize = inputSize;
        Hidden = hidden;
        Parameter Make(string name, int rows) =>
            RegisterParameter(name, Create("cell." + name, new Shape(rows, 2 * hidden), initRange, rng, dtype, device));
        Input = Make("w_x", inputSize);
        Recurrent = Make("w_h", hidden);
        _edges = new Parameter?[nodes][];
        for (int i = 0; i < nodes; i++)
        {
            _edges[i] = new Parameter?[i];
            for (int j = 0; j < i; j++)
                if (only is null || only.Nodes[i].Input == j) _edges[i][j] = Make($"edge_{i}_{j}", hidden);
        }
    }

    /// <summary>Fresh weights for exactly the edges of <paramref name="cell"/> (retraining a derived cell).</summary>
    public static RnnWeightBank ForCell(RnnCellSpec cell, int inputSize, int hidden, double initRange, Random rng,
        DType dtype = DType.Float32, Device? device = null) =>
        new(cell.Nodes.Length, inputSize, hidden, initRange, rng, dtype, device, cell);

    /// <summary>Number of nodes N.</summary>
    public int Nodes { get; }

    /// <summary>Input (embedding) size D.</summary>
    public int InputSize { get; }

    /// <summary>Hidden size H.</summary>
    public int Hidden { get; }

    /// <summary>[D, 2H]: x_t to node 0's gate and candidate.</summary>
    public Parameter Input { get; }

    /// <summary>[H, 2H]: h_{t-1} to node 0's gate and candidate (DropConnect applies here).</summary>
    public Parameter Recurrent { get; }

    /// <summary>[H, 2H] for node <paramref name="node"/> reading node <paramref name="from"/>.</summary>
    /// <exception cref="InvalidOperationException">This bank does not hold that edge (a cell-specific bank).</exception>
    public Parameter Edge(int node, int from)
    {
        if (node < 1 || node >= Nodes || from < 0 || from >= node)
            throw new ArgumentOutOfRangeException(nameof(node), $"no edge {from} -> {node} in a {Nodes}-node cell");
        return _edges[node][from] ?? throw new InvalidOperationException(
            $"this weight bank was built for one cell and has no edge {from} -> {node}");
    }

    /// <summary>True when the bank holds edge (node, from).</summary>
    public bool HasEdge(int node, int from) =>
        node >= 1 && node < Nodes && from >= 0 && from < node && _edges[node][from] is not null;

    /// <summary>One line for logs: the parameter count and what it holds.</summary>
    public string Summary()
    {
        int edges = 0;
        for (int i = 0; i < Nodes; i++) for (int j = 0; j < i; j++) if (_edges[i][j] is not null) edges++;
        return $"recurrent cell weights: {ParameterCount():N0} parameters ({Nodes} nodes, {edges} edges, " +
            $"input {InputSize}, hidden {Hidden})";
    }

    private static Parameter Create(string name, Shape shape, double bound, Random rng, DType dtype, Device? device)
    {
        var values = Init.Uniform(shape, bound, rng);
        return dtype == DType.Float64
            ? Parameter.Create<double>(name, shape, Array.ConvertAll(values, v => (double)v), device)
            : Parameter.Create<float>(name, shape, values, device);
    }
}
