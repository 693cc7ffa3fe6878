using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>Logits [N, classes] and, when the auxiliary head is on and training, its logits.</summary>
public sealed record ChildOutput(Tensor Logits, Tensor? AuxLogits);

/// <summary>
/// A child network built for one architecture by <see cref="ChildBuilder"/>. It does not own its weights: they belong
/// to the <see cref="IWeightSource"/> it was built from (the shared bank, or fresh weights for retraining).
/// </summary>
public abstract class ChildNetwork
{
    /// <summary>The architecture this network computes.</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>Distinct parameters this child uses, in first-use order.</summary>
    public required IReadOnlyList<Parameter> Parameters { get; init; }

    /// <summary>Number of scalars in <see cref="Parameters"/> (auxiliary head excluded).</summary>
    public required long ParameterCount { get; init; }

    /// <summary>Runs images [N, Cin, H, W].</summary>
    public abstract ChildOutput Forward(Tensor images, ForwardContext ctx);

    /// <summary>Classifier: ReLU (optional) → global average pool → dropout → linear without bias.</summary>
    internal static Tensor Head(Tensor x, Parameter fc, double keep, ForwardContext ctx, bool relu)
    {
        if (relu) x = x.Relu();
        var pooled = x.GlobalAvgPool2D();
        if (ctx.Training && keep < 1)
            pooled = ctx.Shard is null
                ? pooled.Dropout(1 - keep, ctx.Rng)
                : pooled * ctx.ShardRows(Tensor.DropoutMask(new Shape(ctx.DrawRows(pooled.Shape[0]), pooled.Shape[1]), 1 - keep,
                    ctx.Rng, pooled.DType, pooled.Device));
        return pooled.MatMul(fc, transposeOther: true);
    }
}

/// <summary>Records which parameters a builder asked for, so a child knows its own parameter list.</summary>
internal sealed class RecordingSource(IWeightSource inner) : IWeightSource
{
    private readonly List<Parameter> _used = new();
    private readonly HashSet<Parameter> _seen = new(ReferenceEqualityComparer.Instance);

    public bool IsShared => inner.IsShared;

    public IReadOnlyList<Parameter> Used => _used;

    public bool Excluding { get; set; }

    public long ExcludedCount { get; private set; }

    public Parameter Get(WeightKey key, Shape shape, WeightInit init, int fanIn = 1)
    {
        var p = inner.Get(key, shape, init, fanIn);
        if (_seen.Add(p))
        {
            _used.Add(p);
            if (Excluding) ExcludedCount += p.ElementCount;
        }
        return p;
    }

    public (Tensor Mean, Tensor Var)? RunningStats(WeightKey key, int channels) => inner.RunningStats(key, channels);
}
