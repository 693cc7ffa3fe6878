namespace Enas.Engine.Nn;

/// <summary>
/// Depthwise-separable convolution: a depthwise k x k conv (groups = C, carrying the stride and padding) followed by
/// a pointwise 1 x 1 conv from C to K channels. Children are registered as "depthwise" and "pointwise".
/// </summary>
public sealed class SeparableConv2D : Module, IForward
{
    /// <summary>Creates the layer (float32, on <paramref name="device"/> or the CPU).</summary>
    public SeparableConv2D(string name, int inChannels, int outChannels, int kernel, int stride, int padding,
        Random rng, Device? device = null)
    {
        Name = name;
        Depthwise = RegisterModule("depthwise",
            new Conv2D(name + ".depthwise", inChannels, inChannels, kernel, stride, padding, rng, inChannels,
                device));
        Pointwise = RegisterModule("pointwise",
            new Conv2D(name + ".pointwise", inChannels, outChannels, 1, 1, 0, rng, 1, device));
    }

    /// <summary>Name given at construction.</summary>
    public string Name { get; }

    /// <summary>The k x k per-channel conv.</summary>
    public Conv2D Depthwise { get; }

    /// <summary>The 1 x 1 channel mixer.</summary>
    public Conv2D Pointwise { get; }

    /// <summary>x [N, C, H, W] to [N, K, OH, OW].</summary>
    public Tensor Forward(Tensor x) => Pointwise.Forward(Depthwise.Forward(x));
}
