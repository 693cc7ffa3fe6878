using ILGPU;
using ILGPU.Algorithms;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>Batch-norm arguments; Flags bit 0: gamma given, bit 1: beta given, bit 2: update running stats /
/// write dgamma, bit 3: write dbeta.</summary>
internal readonly record struct NormArgs(int N, int C, int Spatial, float Epsilon, float Momentum, int Flags);

/// <summary>
/// Batch norm over x [N, C, Spatial] and row-wise log-softmax. Per-channel statistics use one group per channel
/// (grid = C) with shared-memory tree reductions (two passes: mean, then centred variance); the normalisation
/// itself is one thread per element. Log-softmax uses one group per row.
/// </summary>
internal static class NormKernels
{
    /// <summary>Batch mean and 1/sqrt(var + eps) per channel; optional running-stat update (unbiased var).</summary>
    public static void BatchStats(NormArgs p, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> runningMean, ArrayView<float> runningVar)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int c = Grid.IdxX;
        int count = p.N * p.Spatial;
        float s = 0f;
        for (int j = Group.IdxX; j < count; j += Group.DimX)
        {
            int n = j / p.Spatial;
            s += x[(n * p.C + c) * p.Spatial + (j - n * p.Spatial)];
        }
        float mu = GroupReduce.Sum(s, shared) / count;
        float q = 0f;
        for (int j = Group.IdxX; j < count; j += Group.DimX)
        {
            int n = j / p.Spatial;
            float d = x[(n * p.C + c) * p.Spatial + (j - n * p.Spatial)] - mu;
            q += d * d;
        }
        float variance = GroupReduce.Sum(q, shared) / count;
        if (Group.IdxX != 0) return;
        mean[c] = mu;
        invStd[c] = 1f / XMath.Sqrt(variance + p.Epsilon);
        if ((p.Flags & 4) != 0)
        {
            float unbiased = count > 1 ? variance * count / (count - 1) : variance;
            runningMean[c] = (1f - p.Momentum) * runningMean[c] + p.Momentum * mu;
            runningVar[c] = (1f - p.Momentum) * runningVar[c] + p.Momentum * unbiased;
        }
    }

    /// <summary>y = gamma * (x - mean) * invStd + beta, one thread per element.</summary>
    public static void Normalize(Index1D index, NormArgs p, ArrayView<float> x, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y)
    {
        int i = index;
        int c = i / p.Spatial % p.C;
        float g = (p.Flags & 1) != 0 ? gamma[c] : 1f;
        float b = (p.Flags & 2) != 0 ? beta[c] : 0f;
        y[i] = g * (x[i] - mean[c]) * invStd[c] + b;
    }

    /// <summary>Inference: y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta.</summary>
    public static void Inference(Index1D index, NormArgs p, ArrayView<float> x, ArrayView<float> runningMean,
        ArrayView<float> runningVar, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y)
    {
        int i = index;
        int c = i / p.Spatial % p.C;
        float g = (p.Flags & 1) != 0 ? gamma[c] : 1f;
        float b = (p.Flags & 2) != 0 ? beta[c] : 0f;
        y[i] = g * (x[i] - runningMean[c]) / XMath.Sqrt(runningVar[c] + p.Epsilon) + b;
    }

    /// <summary>Per channel: sums[c] = sum dy, sums[C + c] = sum dy * xhat; optional dgamma/dbeta.</summary>
    public static void BackwardStats(NormArgs p, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dgamma, ArrayView<float> dbeta)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int c = Grid.IdxX;
        int count = p.N * p.Spatial;
        float mu = mean[c], inv = invStd[c];
        float sdy = 0f, sdyx = 0f;
        for (int j = Group.IdxX; j < count; j += Group.DimX)
        {
            int n = j / p.Spatial;
            int idx = (n * p.C + c) * p.Spatial + (j - n * p.Spatial);
            float g = dy[idx];
            sdy += g;
            sdyx += g * (x[idx] - mu) * inv;
        }
        sdy = GroupReduce.Sum(sdy, shared);
        sdyx = GroupReduce.Sum(sdyx, shared);
        if (Group.IdxX != 0) return;
        sums[c] = sdy;
        sums[p.C + c] = sdyx;
        if ((p.Flags & 4) != 0) dgamma[c] = sdyx;
        if ((p.Flags & 8) != 0) dbeta[c] = sdy;
    }

    /// <summary>dx = gamma * invStd * (dy - sum(dy)/M - xhat * sum(dy xhat)/M), one thread per element.</summary>
    public static void BackwardData(Index1D index, NormArgs p, ArrayView<float> x, ArrayView<float> dy,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> sums,
        ArrayView<float> dx)
    {
        int i = index;
        int c = i / p.Spatial % p.C;
        float inv = invStd[c];
        float g = (p.Flags & 1) != 0 ? gamma[c] : 1f;
        float m = p.N * p.Spatial;
        float xhat = (x[i] - mean[c]) * inv;
        dx[i] = g * inv * (dy[i] - sums[c] / m - xhat * sums[p.C + c] / m);
    }

    /// <summary>y[row, :] = x - max - log(sum(exp(x - max))); one group per row.</summary>
    public static void LogSoftmax(int cols, ArrayView<float> x, ArrayView<float> y)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int baseIdx = Grid.IdxX * cols;
        float m = x[baseIdx];
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
        {
            float v = x[baseIdx + j];
            m = v > m ? v : m;
        }
        m = GroupReduce.Max(m, shared);
        float s = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX) s += XMath.Exp(x[baseIdx + j] - m);
        float lse = m + XMath.Log(GroupReduce.Sum(s, shared));
        for (int j = Group.IdxX; j < cols; j += Group.DimX) y[baseIdx + j] = x[baseIdx + j] - lse;
    }

    /// <summary>dx = dy - exp(y) * sum(dy) per row; one group per row.</summary>
    public static void LogSoftmaxBackward(int cols, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int baseIdx = Grid.IdxX * cols;
        float s = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX) s += dy[baseIdx + j];
        s = GroupReduce.Sum(s, shared);
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
            dx[baseIdx + j] = dy[baseIdx + j] - XMath.Exp(y[baseIdx + j]) * s;
    }
}
