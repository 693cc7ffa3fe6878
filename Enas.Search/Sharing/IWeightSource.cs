using Enas.Engine;

namespace Enas.Search.Sharing;

/// <summary>
/// Where a child network's weights come from. The same network builder asks this for every weight; the shared
/// <see cref="WeightBank"/> returns ENAS's shared parameters, <see cref="FreshWeights"/> creates new ones for
/// retraining from scratch.
/// </summary>
public interface IWeightSource
{
    /// <summary>True for the shared search bank (batch-norm then always uses batch statistics).</summary>
    bool IsShared { get; }

    /// <summary>The parameter for <paramref name="key"/> with shape <paramref name="shape"/>.</summary>
    Parameter Get(WeightKey key, Shape shape, WeightInit init, int fanIn = 1);

    /// <summary>Running mean/var [C] of a batch norm, or null when the source uses batch statistics only.</summary>
    (Tensor Mean, Tensor Var)? RunningStats(WeightKey key, int channels);
}
