using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Search.Util;

namespace Enas.Search.Sharing;

/// <summary>
/// New, seeded weights for training one architecture from scratch (and running batch-norm statistics for
/// evaluation). Asking twice for the same key returns the same parameter, so the builder's structure decides sharing.
/// </summary>
public sealed class FreshWeights : IWeightSource, IDisposable
{
    private readonly Dictionary<WeightKey, Parameter> _byKey = new();
    private readonly List<Parameter> _ordered = new();
    private readonly Dictionary<WeightKey, (Tensor Mean, Tensor Var)> _stats = new();
    private readonly List<(string Name, Tensor Tensor)> _orderedStats = new();
    private readonly XoshiroRandom _rng;
    private readonly Device _device;

    /// <summary>Creates an empty source.</summary>
    public FreshWeights(ulong seed, Device device)
    {
        _rng = new XoshiroRandom(seed);
        _device = device;
    }

    /// <inheritdoc />
    public bool IsShared => false;

    /// <summary>Parameters in creation order.</summary>
    public IReadOnlyList<Parameter> Parameters => _ordered;

    /// <summary>Batch-norm running statistics ("key.mean"/"key.var") in creation order, for checkpoints.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Buffers => _orderedStats;

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount => _ordered.Sum(p => p.ElementCount);

    /// <inheritdoc />
    public Parameter Get(WeightKey key, Shape shape, WeightInit init, int fanIn = 1)
    {
        if (_byKey.TryGetValue(key, out var p))
        {
            if (p.Shape != shape) throw new InvalidOperationException($"'{key}' has shape {p.Shape}, asked for {shape}");
            return p;
        }
        p = WeightFactory.Create(key, shape, init, fanIn, _rng, _device);
        _byKey.Add(key, p);
        _ordered.Add(p);
        return p;
    }

    /// <inheritdoc />
    public (Tensor Mean, Tensor Var)? RunningStats(WeightKey key, int channels)
    {
        if (_stats.TryGetValue(key, out var s)) return s;
        var mean = Tensor.Zeros(new Shape(channels), device: _device, persistent: true);
        var var = Tensor.Full(new Shape(channels), 1.0, device: _device, persistent: true);
        _stats.Add(key, (mean, var));
        _orderedStats.Add((key + ".mean", mean));
        _orderedStats.Add((key + ".var", var));
        return (mean, var);
    }

    /// <summary>The parameters and batch-norm statistics as checkpoint entries named as they are here (the layout of
    /// a saved model, which <c>eval</c> reads).</summary>
    public IEnumerable<CheckpointEntry> ToEntries() =>
        _ordered.Select(p => new CheckpointEntry(p.Name, p.Shape.ToArray(), p.ToFloatArray()))
            .Concat(_orderedStats.Select(b => new CheckpointEntry(b.Name, b.Tensor.Shape.ToArray(), b.Tensor.ToFloatArray())));

    /// <summary>Loads every parameter and statistic from <paramref name="entries"/> (other entries are ignored).</summary>
    /// <exception cref="InvalidDataException">One is missing or has another size; the message names
    /// <paramref name="source"/> and the tensor.</exception>
    public void Load(IReadOnlyDictionary<string, CheckpointEntry> entries, string source)
    {
        void Check(string name, long count, out float[] data)
        {
            if (!entries.TryGetValue(name, out var e) || e.Data.Length != count)
                throw new InvalidDataException($"{source} does not match this architecture and size (missing or mis-sized '{name}')");
            data = e.Data;
        }
        foreach (var p in _ordered)
        {
            Check(p.Name, p.ElementCount, out var data);
            p.Load<float>(data);
        }
        foreach (var (name, t) in _orderedStats)
        {
            Check(name, t.ElementCount, out var data);
            t.Backend.Upload<float>(data, t.Buffer);
        }
    }

    /// <summary>Disposes parameters and statistics.</summary>
    public void Dispose()
    {
        foreach (var p in _ordered) { p.ZeroGrad(); p.Dispose(); }
        foreach (var (_, t) in _orderedStats) t.Dispose();
        _ordered.Clear(); _byKey.Clear(); _stats.Clear(); _orderedStats.Clear();
    }
}
