using ILGPU;
using ILGPU.Algorithms;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>SGD arguments (Nesterov as 0/1).</summary>
internal readonly record struct SgdArgs(float LearningRate, float Momentum, float WeightDecay, int Nesterov);

/// <summary>Adam arguments (bias corrections computed on the host).</summary>
internal readonly record struct AdamArgs(float LearningRate, float Beta1, float Beta2, float Epsilon,
    float WeightDecay, float BiasCorrection1, float BiasCorrection2);

/// <summary>
/// Gather / scatter-add (one thread per copied element; scatter uses float atomics because indices repeat) and the
/// optimiser steps (one thread per parameter element).
/// </summary>
internal static class MiscKernels
{
    /// <summary>output[r, j] = table[indices[r], j]; thread index = r * rowLength + j.</summary>
    public static void Gather(Index1D index, int rowLength, ArrayView<float> table, ArrayView<int> indices,
        ArrayView<float> output)
    {
        int i = index;
        int r = i / rowLength;
        output[i] = table[indices[r] * rowLength + (i - r * rowLength)];
    }

    /// <summary>table[indices[r], j] += values[r, j] (atomic).</summary>
    public static void ScatterAdd(Index1D index, int rowLength, ArrayView<float> values, ArrayView<int> indices,
        ArrayView<float> table)
    {
        int i = index;
        int r = i / rowLength;
        Atomic.Add(ref table[indices[r] * rowLength + (i - r * rowLength)], values[i]);
    }

    /// <summary>One SGD step on element i (PyTorch semantics; velocity untouched when momentum is 0).</summary>
    public static void Sgd(Index1D index, SgdArgs s, ArrayView<float> p, ArrayView<float> g, ArrayView<float> v)
    {
        int i = index;
        float grad = g[i] + s.WeightDecay * p[i];
        float step = grad;
        if (s.Momentum != 0f)
        {
            float vel = s.Momentum * v[i] + grad;
            v[i] = vel;
            step = s.Nesterov != 0 ? grad + s.Momentum * vel : vel;
        }
        p[i] -= s.LearningRate * step;
    }

    /// <summary>One Adam step on element i.</summary>
    public static void Adam(Index1D index, AdamArgs s, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m,
        ArrayView<float> v)
    {
        int i = index;
        float grad = g[i] + s.WeightDecay * p[i];
        float mi = s.Beta1 * m[i] + (1f - s.Beta1) * grad;
        float vi = s.Beta2 * v[i] + (1f - s.Beta2) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        p[i] -= s.LearningRate * (mi / s.BiasCorrection1) / (XMath.Sqrt(vi / s.BiasCorrection2) + s.Epsilon);
    }
}
