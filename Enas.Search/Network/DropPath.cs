using Enas.Engine;

namespace Enas.Search.Network;

/// <summary>
/// ENAS drop-path: each example's branch output is zeroed with probability 1 - keep and otherwise scaled by 1 / keep,
/// where keep anneals from 1 to the cell's keep probability over training (<see cref="ForwardContext.Progress"/>).
/// </summary>
internal static class DropPath
{
    /// <summary>[N, C, H, W] with whole examples dropped; <paramref name="x"/> itself when off or not training.</summary>
    public static Tensor Apply(Tensor x, double cellKeep, ForwardContext ctx)
    {
        if (cellKeep >= 1 || !ctx.Training) return x;
        double keep = 1 - Math.Min(1, ctx.Progress) * (1 - cellKeep);
        int n = ctx.DrawRows(x.Shape[0]);
        var mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = ctx.Rng.NextDouble() < keep ? (float)(1 / keep) : 0f;
        return x * ctx.ShardRows(Tensor.FromArray(mask, new Shape(n, 1, 1, 1), x.Device));
    }
}
