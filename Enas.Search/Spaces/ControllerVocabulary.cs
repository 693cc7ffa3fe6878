using System.Collections.Immutable;

namespace Enas.Search.Spaces;

/// <summary>
/// What a space tells the controller about its op decisions, as data, so that a new op is an edit of the space's op
/// list (and its properties in <see cref="OpKinds"/>), not of the controller.
/// </summary>
public sealed class ControllerVocabulary
{
    /// <summary>Creates the vocabulary of <paramref name="opCount"/> ops with no op bias and no op prior.</summary>
    public ControllerVocabulary(int opCount)
    {
        if (opCount < 1)
            throw new ArgumentOutOfRangeException(nameof(opCount), $"a space needs at least one op, got {opCount}");
        OpCount = opCount;
    }

    /// <summary>Choices of an op decision: rows of the op embedding [OpCount, H], columns of the op head
    /// [H, OpCount].</summary>
    public int OpCount { get; }

    /// <summary>Initial values [OpCount] of a learned op-logit bias (the micro controller's <c>b_soft</c>); empty:
    /// none.</summary>
    public ImmutableArray<float> OpBias { get; private init; } = [];

    /// <summary>A constant [OpCount] added to the shaped op logits where the space's sampler applies it (the micro
    /// normal cell's sep-conv prior); empty: none.</summary>
    public ImmutableArray<float> OpPrior { get; private init; } = [];

    /// <summary>
    /// The official micro vocabulary for <paramref name="ops"/>: per op a learned bias starting at
    /// <see cref="OpKinds.InitialControllerBias"/> (10 for the separable convolutions, 0 otherwise) and the constant
    /// prior <see cref="OpKinds.ControllerPrior"/> (+0.25 separable, -0.25 otherwise).
    /// </summary>
    public static ControllerVocabulary WithBiasAndPrior(ImmutableArray<OpKind> ops) => new(ops.Length)
    {
        OpBias = [.. ops.Select(op => op.InitialControllerBias())],
        OpPrior = [.. ops.Select(op => op.ControllerPrior())],
    };
}
