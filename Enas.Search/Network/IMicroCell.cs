using Enas.Engine;

namespace Enas.Search.Network;

/// <summary>One cell of a micro network: two inputs in, one feature map out.</summary>
internal interface IMicroCell
{
    /// <summary>Channels and size of the output.</summary>
    FeatureShape Output { get; }

    /// <summary>[N, C0, H0, W0] and [N, C1, H1, W1] to [N, Output.Channels, Output.Size, Output.Size].</summary>
    Tensor Forward(Tensor prevPrev, Tensor prev, ForwardContext ctx);
}

/// <summary>Which micro cell a network is built of.</summary>
public enum MicroCellStyle
{
    /// <summary>
    /// The search cell, also used to retrain: reduction emulated by a factorised reduction before stride-1 ops; the
    /// loose ends projected back to C channels by a 1×1 convolution and BN.
    /// </summary>
    Search,

    /// <summary>
    /// The authors' final network (<c>_fixed_layer</c>): ops reading a reduction cell's inputs run with stride 2
    /// (identity becomes a factorised reduction), the previous output always passes a ReLU-1×1-BN, and the loose
    /// ends are concatenated without projection, so a cell emits (loose ends)·C channels.
    /// </summary>
    Final,
}
