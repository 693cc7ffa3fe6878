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
