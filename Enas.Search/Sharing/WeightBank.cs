using Enas.Engine;
using Enas.Search.Util;

namespace Enas.Search.Sharing;

/// <summary>
/// The shared weights of an ENAS search: one <see cref="Parameter"/> per <see cref="WeightKey"/>. It is filled
/// eagerly (every weight any child can use is created, seeded, before training starts) and then sealed: asking for a
/// key that was not declared, or with another shape, is a bug and throws. Parameter order is fixed (creation order),
/// so optimisers and checkpoints see a stable list.
/// </summary>
public sealed class WeightBank : IWeightSource, IDisposable
{
    private readonly Dictionary<WeightKey, Parameter> _byKey = new();
    private readonly List<Parameter> _ordered = new();
    private readonly XoshiroRandom _rng;
    private readonly Device _device;
    private bool _sealed;

    /// <summary>Creates an open (declaring) bank; the builder declares every weight, then <see cref="Seal"/> is called.</summary>
    public WeightBank(ulong seed, Device device)
    {
        _rng = new XoshiroRandom(seed);
        _device = device;
    }

    /// <inheritdoc />
    public bool IsShared => true;

    /// <summary>Every shared parameter in creation order.</summary>
    public IReadOnlyList<Parameter> Parameters => _ordered;

    /// <summary>Total number of scalars.</summary>
    public long ParameterCount => _ordered.Sum(p => p.ElementCount);

    /// <summary>Stops accepting new keys.</summary>
    public void Seal() => _sealed = true;

    /// <summary>True when the key exists.</summary>
    public bool Contains(WeightKey key) => _byKey.ContainsKey(key);

    /// <inheritdoc />
    public Parameter Get(WeightKey key, Shape shape, WeightInit init, int fanIn = 1)
    {
        if (_byKey.TryGetValue(key, out var p))
        {
            if (p.Shape != shape)
                throw new InvalidOperationException($"weight bank: '{key}' has shape {p.Shape}, asked for {shape}");
            return p;
        }
        if (_sealed) throw new InvalidOperationException($"weight bank: '{key}' was never declared (the bank is sealed)");
        p = WeightFactory.Create(key, shape, init, fanIn, _rng, _device);
        _byKey.Add(key, p);
        _ordered.Add(p);
        return p;
    }

    /// <inheritdoc />
    public (Tensor Mean, Tensor Var)? RunningStats(WeightKey key, int channels) => null;

    /// <summary>Disposes every parameter.</summary>
    public void Dispose()
    {
        foreach (var p in _ordered) { p.ZeroGrad(); p.Dispose(); }
        _ordered.Clear();
        _byKey.Clear();
    }
}
