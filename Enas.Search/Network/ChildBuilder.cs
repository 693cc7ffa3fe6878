using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>
/// The one network builder, used by search (weights from the shared <see cref="WeightBank"/>) and by retraining
/// (weights from <see cref="FreshWeights"/>).
/// </summary>
public static class ChildBuilder
{
    /// <summary>Builds the child network of <paramref name="architecture"/>.</summary>
    public static ChildNetwork Build(ISearchSpace space, Architecture architecture, NetworkOptions options,
        IWeightSource source, Device device)
    {
        space.Validate(architecture);
        options.Validate(space);
        return space switch
        {
            MicroSpace micro => MicroNetwork.Build(micro, architecture, options, source, device)!,
            MacroSpace macro when options.Style == NetworkStyle.Final => MacroFinalNetwork.Build(macro, architecture, options, source, device),
            MacroSpace macro => MacroNetwork.Build(macro, architecture, options, source, device)!,
            _ => throw new ArgumentException($"no network builder for space '{space.Name}'"),
        };
    }

    /// <summary>
    /// Creates the shared weight bank: declares every weight any architecture of the space can use (seeded), then
    /// seals it so the shared parameter count is fixed.
    /// </summary>
    public static WeightBank CreateBank(ISearchSpace space, NetworkOptions options, ulong seed, Device device)
    {
        options.Validate(space);
        var bank = new WeightBank(seed, device);
        switch (space)
        {
            case MicroSpace micro: MicroNetwork.Build(micro, null, options, bank, device); break;
            case MacroSpace macro: MacroNetwork.Build(macro, null, options, bank, device); break;
            default: throw new ArgumentException($"no network builder for space '{space.Name}'");
        }
        bank.Seal();
        return bank;
    }
}
