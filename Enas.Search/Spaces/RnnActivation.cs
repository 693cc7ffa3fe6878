namespace Enas.Search.Spaces;

/// <summary>
/// Activation of a recurrent-cell node. The numeric values are the token values of the Enas (and official TF
/// <c>ptb</c>) encoding: 0 tanh, 1 ReLU, 2 identity, 3 sigmoid. The <c>enas_lm</c> encoding orders them
/// tanh, ReLU, sigmoid, identity; <see cref="RnnSpace.ParseEnasLm"/> converts.
/// </summary>
public enum RnnActivation
{
    /// <summary>tanh.</summary>
    Tanh = 0,
    /// <summary>max(0, x).</summary>
    Relu = 1,
    /// <summary>x.</summary>
    Identity = 2,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid = 3,
}

/// <summary>Names of the activations.</summary>
public static class RnnActivations
{
    /// <summary>Number of activations (all four are searched).</summary>
    public const int Count = 4;

    /// <summary>Lower-case name ("tanh", "relu", "identity", "sigmoid").</summary>
    public static string Name(this RnnActivation a) => a switch
    {
        RnnActivation.Tanh => "tanh",
        RnnActivation.Relu => "relu",
        RnnActivation.Identity => "identity",
        RnnActivation.Sigmoid => "sigmoid",
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, "unknown activation"),
    };
}
