using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>Arguments of a reduction of x [Outer, Reduced, Inner] (Kind: 0 sum, 1 mean, 2 max).</summary>
internal readonly record struct ReduceArgs(int Kind, int Reduced, int Inner);

/// <summary>
/// Reductions. <see cref="Reduce"/> and <see cref="ReduceBackward"/> use one thread per output element (race-free:
/// each output and each dx element has exactly one writer); <see cref="ReduceRows"/> uses one group per row when
/// Inner == 1 (a long contiguous reduction). <see cref="SumToOperand"/> uses one thread per element of the small
/// operand. <see cref="SquaredNormPartial"/> writes one partial sum per group; the host adds them in double.
/// </summary>
internal static class ReduceKernels
{
    /// <summary>y[o, i] = reduce_r x[o, r, i]; thread index = o * Inner + i.</summary>
    public static void Reduce(Index1D index, ReduceArgs p, ArrayView<float> x, ArrayView<float> y)
    {
        int o = index / p.Inner;
        int i = index - o * p.Inner;
        int baseX = o * p.Reduced * p.Inner + i;
        float acc = x[baseX];
        for (int r = 1; r < p.Reduced; r++)
        {
            float v = x[baseX + r * p.Inner];
            if (p.Kind == 2) acc = v > acc ? v : acc;
            else acc += v;
        }
        y[index] = p.Kind == 1 ? acc / p.Reduced : acc;
    }

    /// <summary>One group per row of x [rows, Reduced] (Inner == 1); group size is the launch's group size.</summary>
    public static void ReduceRows(ReduceArgs p, ArrayView<float> x, ArrayView<float> y)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int row = Grid.IdxX;
        int baseX = row * p.Reduced;
        if (p.Kind == 2)
        {
            float m = x[baseX];
            for (int r = Group.IdxX; r < p.Reduced; r += Group.DimX)
            {
                float v = x[baseX + r];
                m = v > m ? v : m;
            }
            m = GroupReduce.Max(m, shared);
            if (Group.IdxX == 0) y[row] = m;
            return;
        }
        float s = 0f;
        for (int r = Group.IdxX; r < p.Reduced; r += Group.DimX) s += x[baseX + r];
        s = GroupReduce.Sum(s, shared);
        if (Group.IdxX == 0) y[row] = p.Kind == 1 ? s / p.Reduced : s;
    }

    /// <summary>dx[o, :, i] from dy[o, i]; max routes to the first maximum. Thread index = o * Inner + i.</summary>
    public static void ReduceBackward(Index1D index, ReduceArgs p, ArrayView<float> x, ArrayView<float> y,
        ArrayView<float> dy, ArrayView<float> dx)
    {
        int o = index / p.Inner;
        int i = index - o * p.Inner;
        int baseX = o * p.Reduced * p.Inner + i;
        float g = dy[index];
        if (p.Kind != 2)
        {
            float v = p.Kind == 1 ? g / p.Reduced : g;
            for (int r = 0; r < p.Reduced; r++) dx[baseX + r * p.Inner] = v;
            return;
        }
        float m = y[index];
        bool routed = false;
        for (int r = 0; r < p.Reduced; r++)
        {
            int k = baseX + r * p.Inner;
            bool hit = !routed && x[k] == m;
            dx[k] = hit ? g : 0f;
            routed |= hit;
        }
    }

    /// <summary>
    /// reduced[ia] = sum of full[i] over output elements i whose operand-A offset is ia. Thread index = dense index
    /// into A's shape (dims with stride 0 have size 1 there).
    /// </summary>
    public static void SumToOperand(Index1D index, BroadcastArgs d, ArrayView<float> full, ArrayView<float> reduced)
    {
        int s0 = d.A0 != 0 ? d.D0 : 1, s1 = d.A1 != 0 ? d.D1 : 1, s2 = d.A2 != 0 ? d.D2 : 1, s3 = d.A3 != 0 ? d.D3 : 1;
        int c3 = index % s3;
        int r = index / s3;
        int c2 = r % s2;
        r /= s2;
        int c1 = r % s1;
        int c0 = r / s1;
        int lo0 = s0 == 1 ? 0 : c0, hi0 = s0 == 1 ? d.D0 : c0 + 1;
        int lo1 = s1 == 1 ? 0 : c1, hi1 = s1 == 1 ? d.D1 : c1 + 1;
        int lo2 = s2 == 1 ? 0 : c2, hi2 = s2 == 1 ? d.D2 : c2 + 1;
        int lo3 = s3 == 1 ? 0 : c3, hi3 = s3 == 1 ? d.D3 : c3 + 1;
        float acc = 0f;
        for (int i0 = lo0; i0 < hi0; i0++)
        for (int i1 = lo1; i1 < hi1; i1++)
        for (int i2 = lo2; i2 < hi2; i2++)
        {
            int rowBase = ((i0 * d.D1 + i1) * d.D2 + i2) * d.D3;
            for (int i3 = lo3; i3 < hi3; i3++) acc += full[rowBase + i3];
        }
        reduced[index] = acc;
    }

    /// <summary>partial[g] = sum of x[i]^2 over a grid-stride slice; one group per partial.</summary>
    public static void SquaredNormPartial(int count, ArrayView<float> x, ArrayView<float> partial)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int stride = Grid.DimX * Group.DimX;
        float acc = 0f;
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < count; i += stride)
        {
            float v = x[i];
            acc += v * v;
        }
        acc = GroupReduce.Sum(acc, shared);
        if (Group.IdxX == 0) partial[Grid.IdxX] = acc;
    }
}
