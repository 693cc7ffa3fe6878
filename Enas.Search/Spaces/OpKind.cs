namespace Enas.Search.Spaces;

/// <summary>The single vocabulary of candidate operations used by every CNN search space.</summary>
public enum OpKind
{
    /// <summary>Regular 3x3 convolution (macro space).</summary>
    Conv3x3,
    /// <summary>Depthwise-separable 3x3 convolution.</summary>
    SepConv3x3,
    /// <summary>Regular 5x5 convolution (macro space).</summary>
    Conv5x5,
    /// <summary>Depthwise-separable 5x5 convolution.</summary>
    SepConv5x5,
    /// <summary>3x3 average pooling, stride 1 (padding not counted).</summary>
    AvgPool3x3,
    /// <summary>3x3 max pooling, stride 1.</summary>
    MaxPool3x3,
    /// <summary>Identity (micro space).</summary>
    Identity,
}

/// <summary>Names and properties of <see cref="OpKind"/>.</summary>
public static class OpKinds
{
    /// <summary>Short genotype name, e.g. "sep3".</summary>
    public static string Short(this OpKind op) => op switch
    {
        OpKind.Conv3x3 => "conv3",
        OpKind.SepConv3x3 => "sep3",
        OpKind.Conv5x5 => "conv5",
        OpKind.SepConv5x5 => "sep5",
        OpKind.AvgPool3x3 => "avg3",
        OpKind.MaxPool3x3 => "max3",
        OpKind.Identity => "id",
        _ => op.ToString(),
    };

    /// <summary>Kernel size of a convolution op (0 for the others).</summary>
    public static int KernelSize(this OpKind op) => op switch
    {
        OpKind.Conv3x3 or OpKind.SepConv3x3 => 3,
        OpKind.Conv5x5 or OpKind.SepConv5x5 => 5,
        _ => 0,
    };

    /// <summary>True for the separable convolutions.</summary>
    public static bool IsSeparable(this OpKind op) => op is OpKind.SepConv3x3 or OpKind.SepConv5x5;

    /// <summary>Initial value of the op's learned controller bias (micro <c>b_soft</c>): 10 for the separable
    /// convolutions, 0 otherwise, as the official ENAS micro controller.</summary>
    public static float InitialControllerBias(this OpKind op) => op.IsSeparable() ? 10f : 0f;

    /// <summary>The op's constant controller prior on the micro normal cell: +0.25 for the separable convolutions,
    /// -0.25 otherwise, as the official ENAS micro controller.</summary>
    public static float ControllerPrior(this OpKind op) => op.IsSeparable() ? 0.25f : -0.25f;

    /// <summary>True for the pooling ops.</summary>
    public static bool IsPool(this OpKind op) => op is OpKind.AvgPool3x3 or OpKind.MaxPool3x3;
}
