namespace Enas.Search.Spaces;

/// <summary>Factory for the spaces by name.</summary>
public static class SearchSpaces
{
    /// <summary>Creates "micro" (size = nodes per cell), "macro" (size = layers) or "rnn" (size = cell nodes).</summary>
    public static ISearchSpace Create(string name, int size) => name switch
    {
        MicroSpace.SpaceName => new MicroSpace(size),
        MacroSpace.SpaceName => new MacroSpace(size),
        Rnn.RnnSpace.SpaceName => new Rnn.RnnSpace(size),
        _ => throw new ArgumentException($"unknown search space '{name}' (allowed: micro, macro, rnn)", nameof(name)),
    };

    /// <summary>The official micro architecture of <c>cifar10_micro_final.sh</c> (B = 5).</summary>
    public const string PublishedMicro =
        "0 2 0 0 0 4 0 1 0 4 1 1 1 0 0 1 0 2 1 1 1 0 1 0 0 3 0 2 1 1 3 1 1 0 0 4 0 3 1 1";

    /// <summary>The official 24-layer macro architecture of <c>cifar10_macro_final.sh</c>.</summary>
    public const string PublishedMacro =
        "0 3 0 0 1 0 2 0 0 1 2 0 0 0 0 3 1 1 0 1 0 2 0 0 0 0 0 1 2 0 1 1 0 1 1 1 1 0 1 1 1 0 1 0 1 " +
        "0 0 0 0 0 0 0 0 0 0 2 0 0 0 0 0 1 0 0 0 0 0 1 0 0 1 1 0 0 0 0 1 1 2 0 1 0 0 0 0 0 1 0 1 1 0 " +
        "1 0 0 1 0 0 0 1 1 1 0 1 0 1 0 1 1 0 1 0 1 0 0 0 0 0 1 0 0 2 0 0 1 0 0 0 0 0 0 0 1 0 1 0 1 " +
        "2 0 1 0 0 0 1 0 0 1 1 1 1 0 0 1 0 2 0 0 0 0 1 0 1 0 1 0 0 1 0 1 0 0 1 " +
        "3 0 1 1 0 1 0 0 0 0 0 1 0 1 0 1 0 0 0 3 0 1 1 0 0 0 0 0 0 0 0 0 1 1 0 0 0 0 1 " +
        "0 1 0 0 1 0 1 1 0 0 0 1 0 0 0 0 0 1 1 0 0 3 0 1 0 1 1 0 0 1 0 1 1 0 1 1 0 1 0 0 1 0 0 " +
        "0 1 0 1 0 1 0 0 0 0 0 0 0 0 1 0 1 0 0 1 0 0 0 0 1 1 0 0 0 1 1 1 0 1 0 0 0 1 0 1 0 0 1 1 0 0 0";
}
