namespace Enas.Engine.Nn;

/// <summary>
/// 2-D convolution without bias (ENAS always follows a conv with batch norm): y [N, K, OH, OW] = conv(x [N, C, H, W],
/// Weight [K, C / groups, k, k]). He-normal initialisation with fanIn = C / groups * k * k. The parameter is named
/// "&lt;name&gt;.weight".
/// </summary>
public sealed class Conv2D : Module, IForward
{
    /// <summary>Creates the layer (float32, on <paramref name="device"/> or the CPU).</summary>
    public Conv2D(string name, int inChannels, int outChannels, int kernel, int stride, int padding, Random rng,
        int groups = 1, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException(
                $"Conv2D '{name}': groups {groups} must divide inChannels {inChannels} and outChannels {outChannels}");
        Name = name;
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Groups = groups;
        var shape = new Shape(outChannels, inChannels / groups, kernel, kernel);
        int fanIn = inChannels / groups * kernel * kernel;
        Weight = RegisterParameter("weight",
            Parameter.Create<float>(name + ".weight", shape, Init.HeNormal(shape, fanIn, rng), device));
    }

    /// <summary>Name given at construction.</summary>
    public string Name { get; }

    /// <summary>Input channels C.</summary>
    public int InChannels { get; }

    /// <summary>Output channels K.</summary>
    public int OutChannels { get; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>Channel groups (groups == C == K is depthwise).</summary>
    public int Groups { get; }

    /// <summary>[K, C / groups, k, k].</summary>
    public Parameter Weight { get; }

    /// <summary>x [N, C, H, W] to [N, K, OH, OW].</summary>
    public Tensor Forward(Tensor x) => x.Conv2D(Weight, Stride, Padding, Groups);
}
