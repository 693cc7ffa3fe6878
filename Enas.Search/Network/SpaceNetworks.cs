using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// How one space's networks are built: the child of one architecture, and the declaration of every weight the
/// shared bank holds. <see cref="ChildBuilder"/> keeps one per space name; the spaces themselves do not name the
/// network classes (Network reads Spaces, never the other way).
/// </summary>
internal interface ISpaceNetworks
{
    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="options"/> do not fit this space's networks.</summary>
    void Validate(NetworkOptions options);

    /// <summary>The child network of <paramref name="architecture"/> (validated) with weights from <paramref name="source"/>.</summary>
    ChildNetwork Build(ISearchSpace space, Architecture architecture, NetworkOptions options, IWeightSource source, Device device);

    /// <summary>Creates in <paramref name="bank"/> every weight any architecture of <paramref name="space"/> can use,
    /// in the order that fixes the bank's random init and checkpoint layout.</summary>
    void Declare(ISearchSpace space, NetworkOptions options, IWeightSource bank, Device device);
}

/// <summary>An <see cref="ISpaceNetworks"/> for the space type <typeparamref name="TSpace"/>: the one cast from
/// <see cref="ISearchSpace"/> happens here.</summary>
internal abstract class SpaceNetworks<TSpace> : ISpaceNetworks where TSpace : class, ISearchSpace
{
    /// <inheritdoc />
    public virtual void Validate(NetworkOptions options) { }

    /// <inheritdoc />
    public ChildNetwork Build(ISearchSpace space, Architecture architecture, NetworkOptions options, IWeightSource source,
        Device device) => Build(Typed(space), architecture, options, source, device);

    /// <inheritdoc />
    public void Declare(ISearchSpace space, NetworkOptions options, IWeightSource bank, Device device) =>
        Declare(Typed(space), options, bank, device);

    /// <summary>See <see cref="ISpaceNetworks.Build"/>.</summary>
    protected abstract ChildNetwork Build(TSpace space, Architecture architecture, NetworkOptions options,
        IWeightSource source, Device device);

    /// <summary>See <see cref="ISpaceNetworks.Declare"/>.</summary>
    protected abstract void Declare(TSpace space, NetworkOptions options, IWeightSource bank, Device device);

    private static TSpace Typed(ISearchSpace space) =>
        space as TSpace ?? throw new ArgumentException($"no network builder for space '{space.Name}'");
}

/// <summary>Micro networks: search cells or the authors' final cells (<see cref="MicroNetwork"/>).</summary>
internal sealed class MicroNetworks : SpaceNetworks<MicroSpace>
{
    /// <inheritdoc />
    public override void Validate(NetworkOptions options)
    {
        if (options.Layers < 1) throw new ArgumentException($"micro networks need --layers >= 1, got {options.Layers}");
    }

    /// <inheritdoc />
    protected override ChildNetwork Build(MicroSpace space, Architecture architecture, NetworkOptions options,
        IWeightSource source, Device device) => MicroNetwork.Build(space, architecture, options, source, device);

    /// <inheritdoc />
    protected override void Declare(MicroSpace space, NetworkOptions options, IWeightSource bank, Device device) =>
        MicroNetwork.Declare(space, options, bank, device);
}

/// <summary>Macro networks: the search network (<see cref="MacroNetwork"/>) or the authors' final one
/// (<see cref="MacroFinalNetwork"/>).</summary>
internal sealed class MacroNetworks : SpaceNetworks<MacroSpace>
{
    /// <inheritdoc />
    protected override ChildNetwork Build(MacroSpace space, Architecture architecture, NetworkOptions options,
        IWeightSource source, Device device) => options.Style == NetworkStyle.Final
        ? MacroFinalNetwork.Build(space, architecture, options, source, device)
        : MacroNetwork.Build(space, architecture, options, source, device);

    /// <inheritdoc />
    protected override void Declare(MacroSpace space, NetworkOptions options, IWeightSource bank, Device device) =>
        MacroNetwork.Declare(space, options, bank, device);
}
