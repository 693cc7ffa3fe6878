using System.Runtime.CompilerServices;
using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>
/// Tree reductions across a 1-D thread group through dynamic shared memory of at least Group.DimX floats. Every
/// thread of the group must call them (they contain barriers); every thread gets the result. Works for any group
/// size (not only powers of two).
/// </summary>
internal static class GroupReduce
{
    /// <summary>Sum of <paramref name="value"/> over the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value, ArrayView<float> shared)
    {
        int t = Group.IdxX, n = Group.DimX;
        shared[t] = value;
        Group.Barrier();
        for (int s = 1; s < n; s <<= 1)
        {
            if ((t & (2 * s - 1)) == 0 && t + s < n) shared[t] += shared[t + s];
            Group.Barrier();
        }
        float result = shared[0];
        Group.Barrier();
        return result;
    }

    /// <summary>Maximum of <paramref name="value"/> over the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float value, ArrayView<float> shared)
    {
        int t = Group.IdxX, n = Group.DimX;
        shared[t] = value;
        Group.Barrier();
        for (int s = 1; s < n; s <<= 1)
        {
            if ((t & (2 * s - 1)) == 0 && t + s < n)
            {
                float other = shared[t + s];
                if (other > shared[t]) shared[t] = other;
            }
            Group.Barrier();
        }
        float result = shared[0];
        Group.Barrier();
        return result;
    }
}
