using System.Collections.Concurrent;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

/// <summary>
/// Compiled kernels of one accelerator, loaded on first use and kept for the accelerator's lifetime. A lookup is a
/// dictionary hit (the loader lambdas are static, so nothing is allocated); compilation happens once per
/// (kernel, op type). Thread-safe.
/// </summary>
internal sealed class KernelCache
{
    private readonly Accelerator _accelerator;
    private readonly ConcurrentDictionary<(string Name, Type? Op), Delegate> _kernels = new();

    public KernelCache(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary>Number of kernels compiled so far.</summary>
    public int Count => _kernels.Count;

    /// <summary>The kernel <paramref name="name"/>, compiled with <paramref name="load"/> on first use.</summary>
    public TDelegate Get<TDelegate>(string name, Func<Accelerator, TDelegate> load) where TDelegate : Delegate =>
        Get(name, null, load);

    /// <summary>The kernel <paramref name="name"/> instantiated for <paramref name="op"/>.</summary>
    public TDelegate Get<TDelegate>(string name, Type? op, Func<Accelerator, TDelegate> load) where TDelegate : Delegate
    {
        if (_kernels.TryGetValue((name, op), out var kernel)) return (TDelegate)kernel;
        return (TDelegate)_kernels.GetOrAdd((name, op), _ => load(_accelerator));
    }
}
