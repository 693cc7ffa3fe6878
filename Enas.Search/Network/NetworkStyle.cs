namespace Enas.Search.Network;

/// <summary>Which network an architecture is built into.</summary>
public enum NetworkStyle
{
    /// <summary>
    /// The search network, also used to retrain. Micro: reduction emulated by a factorised reduction before stride-1
    /// ops; the loose ends projected back to C channels by a 1×1 convolution and BN. Macro: the op output and the
    /// chosen earlier outputs summed, then BN.
    /// </summary>
    Search,

    /// <summary>
    /// The authors' final network. Micro (<c>_fixed_layer</c>): ops reading a reduction cell's inputs run with
    /// stride 2 (identity becomes a factorised reduction), the previous output passes ReLU-1×1-BN (twice when its
    /// channels differ), and the loose ends are concatenated without projection, so a cell emits (loose ends)·C
    /// channels. Macro (<c>general_child._fixed_layer</c>): every conv op, separable ones included, is ReLU-1×1-BN
    /// then a dense ReLU-k×k-BN; the op output and the chosen earlier outputs are concatenated, then ReLU-1×1-BN.
    /// </summary>
    Final,
}
