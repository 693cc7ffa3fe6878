using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// The one network builder, used by search (weights from the shared <see cref="WeightBank"/>) and by retraining
/// (weights from <see cref="FreshWeights"/>). It holds each space's <see cref="ISpaceNetworks"/>, by space name.
/// </summary>
public static class ChildBuilder
{
    private static readonly Dictionary<string, ISpaceNetworks> Networks = new()
    {
        [MicroSpace.SpaceName] = new MicroNetworks(),
        [MacroSpace.SpaceName] = new MacroNetworks(),
    };

    /// <summary>Builds the child network of <paramref name="architecture"/>.</summary>
    public static ChildNetwork Build(ISearchSpace space, Architecture architecture, NetworkOptions options,
        IWeightSource source, Device device)
    {
        space.Validate(architecture);
        return For(space, options).Build(space, architecture, options, source, device);
    }

    /// <summary>
    /// Creates the shared weight bank: declares every weight any architecture of the space can use (seeded), then
    /// seals it so the shared parameter count is fixed.
    /// </summary>
    public static WeightBank CreateBank(ISearchSpace space, NetworkOptions options, ulong seed, Device device)
    {
        var networks = For(space, options);
        var bank = new WeightBank(seed, device);
        networks.Declare(space, options, bank, device);
        bank.Seal();
        return bank;
    }

    /// <summary>Validates <paramref name="options"/> for <paramref name="space"/> and returns its networks.</summary>
    private static ISpaceNetworks For(ISearchSpace space, NetworkOptions options)
    {
        options.Validate();
        var networks = Networks.GetValueOrDefault(space.Name)
            ?? throw new ArgumentException($"no network builder for space '{space.Name}'");
        networks.Validate(options);
        return networks;
    }
}
