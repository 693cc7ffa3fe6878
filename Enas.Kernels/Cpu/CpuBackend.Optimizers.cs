using System.Numerics;
using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

// Fused optimiser updates: one pass over parameter, gradient and state per step. Float32 runs Vector<float> bodies
// with a scalar tail; Float64 (gradient checks, tests) runs a plain scalar loop with the same formulas.
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void SgdUpdate(in SgdSettings settings, DeviceBuffer parameter, DeviceBuffer gradient,
        DeviceBuffer? velocity, long count)
    {
        using var profile = Diagnostics.KernelEvents.Scope("SgdUpdate", count);
        var s = settings;
        var bp = (CpuBuffer)parameter;
        var bg = (CpuBuffer)gradient;
        var bv = s.Momentum == 0 ? null : (CpuBuffer?)velocity;
        if (parameter.DType == DType.Float64)
        {
            SgdScalar(s, bp.AsSpan<double>()[..(int)count], bg.AsSpan<double>()[..(int)count],
                bv is null ? default : bv.AsSpan<double>()[..(int)count]);
            return;
        }
        CpuParallel.For(count, ElementwiseGrain, (lo, hi) =>
        {
            var p = bp.AsSpan<float>()[(int)lo..(int)hi];
            var g = bg.AsSpan<float>()[(int)lo..(int)hi];
            var v = bv is null ? default : bv.AsSpan<float>()[(int)lo..(int)hi];
            int done = SgdVector(s, p, g, v);
            SgdScalar(s, p[done..], g[done..], v.IsEmpty ? v : v[done..]);
        });
    }

    /// <summary>Vector body of the float32 SGD step; returns how many leading elements it handled.</summary>
    private static int SgdVector(in SgdSettings s, Span<float> p, Span<float> g, Span<float> v)
    {
        var pv = MemoryMarshal.Cast<float, Vector<float>>(p);
        var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
        var lr = new Vector<float>(s.LearningRate);
        var wd = new Vector<float>(s.WeightDecay);
        var mom = new Vector<float>(s.Momentum);
        if (v.IsEmpty)
        {
            for (int i = 0; i < pv.Length; i++) pv[i] -= lr * (gv[i] + wd * pv[i]);
            return pv.Length * Vector<float>.Count;
        }
        var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
        for (int i = 0; i < pv.Length; i++)
        {
            var gd = gv[i] + wd * pv[i];
            var vel = mom * vv[i] + gd;
            vv[i] = vel;
            pv[i] -= lr * (s.Nesterov ? gd + mom * vel : vel);
        }
        return pv.Length * Vector<float>.Count;
    }

    private static void SgdScalar<T>(in SgdSettings s, Span<T> p, Span<T> g, Span<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lr = T.CreateChecked(s.LearningRate), wd = T.CreateChecked(s.WeightDecay);
        T mom = T.CreateChecked(s.Momentum);
        for (int i = 0; i < p.Length; i++)
        {
            T gd = g[i] + wd * p[i];
            if (v.IsEmpty)
            {
                p[i] -= lr * gd;
                continue;
            }
            T vel = mom * v[i] + gd;
            v[i] = vel;
            p[i] -= lr * (s.Nesterov ? gd + mom * vel : vel);
        }
    }

    /// <inheritdoc />
    public void AdamUpdate(in AdamSettings settings, DeviceBuffer parameter, DeviceBuffer gradient, DeviceBuffer m,
        DeviceBuffer v, long count)
    {
        using var profile = Diagnostics.KernelEvents.Scope("AdamUpdate", count);
        var s = settings;
        var bp = (CpuBuffer)parameter;
        var bg = (CpuBuffer)gradient;
        var bm = (CpuBuffer)m;
        var bv = (CpuBuffer)v;
        if (parameter.DType == DType.Float64)
        {
            int n = (int)count;
            AdamScalar(s, bp.AsSpan<double>()[..n], bg.AsSpan<double>()[..n], bm.AsSpan<double>()[..n],
                bv.AsSpan<double>()[..n]);
            return;
        }
        CpuParallel.For(count, ElementwiseGrain, (lo, hi) =>
        {
            var p = bp.AsSpan<float>()[(int)lo..(int)hi];
            var g = bg.AsSpan<float>()[(int)lo..(int)hi];
            var ms = bm.AsSpan<float>()[(int)lo..(int)hi];
            var vs = bv.AsSpan<float>()[(int)lo..(int)hi];
            int done = AdamVector(s, p, g, ms, vs);
            AdamScalar(s, p[done..], g[done..], ms[done..], vs[done..]);
        });
    }

    /// <summary>Vector body of the float32 Adam step; returns how many leading elements it handled.</summary>
    private static int AdamVector(in AdamSettings s, Span<float> p, Span<float> g, Span<float> m, Span<float> v)
    {
        var pv = MemoryMarshal.Cast<float, Vector<float>>(p);
        var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
        var mv = MemoryMarshal.Cast<float, Vector<float>>(m);
        var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
        var wd = new Vector<float>(s.WeightDecay);
        var b1 = new Vector<float>(s.Beta1);
        var b2 = new Vector<float>(s.Beta2);
        var c1 = new Vector<float>(1 - s.Beta1);
        var c2 = new Vector<float>(1 - s.Beta2);
        var stepSize = new Vector<float>(s.LearningRate / s.BiasCorrection1);
        var invBc2 = new Vector<float>(1 / s.BiasCorrection2);
        var eps = new Vector<float>(s.Epsilon);
        for (int i = 0; i < pv.Length; i++)
        {
            var gd = gv[i] + wd * pv[i];
            var mi = b1 * mv[i] + c1 * gd;
            var vi = b2 * vv[i] + c2 * gd * gd;
            mv[i] = mi;
            vv[i] = vi;
            pv[i] -= stepSize * mi / (Vector.SquareRoot(vi * invBc2) + eps);
        }
        return pv.Length * Vector<float>.Count;
    }

    private static void AdamScalar<T>(in AdamSettings s, Span<T> p, Span<T> g, Span<T> m, Span<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T wd = T.CreateChecked(s.WeightDecay);
        T b1 = T.CreateChecked(s.Beta1), b2 = T.CreateChecked(s.Beta2);
        T stepSize = T.CreateChecked(s.LearningRate) / T.CreateChecked(s.BiasCorrection1);
        T invBc2 = T.One / T.CreateChecked(s.BiasCorrection2);
        T eps = T.CreateChecked(s.Epsilon);
        for (int i = 0; i < p.Length; i++)
        {
            T gd = g[i] + wd * p[i];
            T mi = b1 * m[i] + (T.One - b1) * gd;
            T vi = b2 * v[i] + (T.One - b2) * gd * gd;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / (T.Sqrt(vi * invBc2) + eps);
        }
    }
}
