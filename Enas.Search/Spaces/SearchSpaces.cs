namespace Enas.Search.Spaces;

/// <summary>The registry of the spaces: each one's name, how to create it at a size and which size has a given token
/// count.</summary>
public static class SearchSpaces
{
    private sealed record Entry(string Name, Func<int, ISearchSpace> Create, Func<int, int?> SizeForTokens);

    private static readonly Entry[] Entries =
    [
        new(MicroSpace.SpaceName, size => new MicroSpace(size), MicroSpace.SizeForTokens),
        new(MacroSpace.SpaceName, size => new MacroSpace(size), MacroSpace.SizeForTokens),
        new(RnnSpace.SpaceName, size => new RnnSpace(size), RnnSpace.SizeForTokens),
    ];

    /// <summary>The names of the spaces: micro, macro, rnn.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Entries.Select(e => e.Name)];

    /// <summary>Creates "micro" (size = nodes per cell), "macro" (size = layers) or "rnn" (size = cell nodes).</summary>
    /// <exception cref="ArgumentException">The name is unknown (the message is for users: it names the allowed ones).</exception>
    public static ISearchSpace Create(string name, int size) =>
        Find(name)?.Create(size) ?? throw new ArgumentException(
            $"unknown search space '{name}' (allowed: {string.Join(", ", Names)})");

    /// <summary>The space named <paramref name="name"/> whose architectures have <paramref name="tokens"/> tokens, or
    /// null when the name is unknown or no size gives that many tokens.</summary>
    public static ISearchSpace? ForTokens(string name, int tokens) =>
        Find(name) is { } e && e.SizeForTokens(tokens) is int size ? e.Create(size) : null;

    private static Entry? Find(string name) => Array.Find(Entries, e => e.Name == name);

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
