using System.Collections.Immutable;
using System.Globalization;

namespace Enas.Search.Spaces;

/// <summary>
/// Official ENAS integer strings whose space is not written next to them (a published arc, a run's
/// <c>best-architecture.txt</c>): the tokens, and the one space and size they fit. The size follows from the token
/// count (micro 8 per node, macro L(L+1)/2, rnn 2N - 1); where several spaces fit the count and the values, the caller
/// must name the space.
/// </summary>
public static class OfficialArchitecture
{
    /// <summary>The whitespace-separated integers of <paramref name="text"/>.</summary>
    /// <param name="text">The string.</param>
    /// <param name="what">What is read, for messages (e.g. "micro architecture", "--arch a.txt").</param>
    /// <exception cref="InvalidArchitectureException">A token is not an integer (its position is named).</exception>
    public static ImmutableArray<int> ParseTokens(string text, string what)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var tokens = ImmutableArray.CreateBuilder<int>(parts.Length);
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                throw new InvalidArchitectureException($"{what}: token {i} is '{parts[i]}', which is not an integer", i);
            tokens.Add(v);
        }
        return tokens.MoveToImmutable();
    }

    /// <summary>True when <paramref name="text"/> holds only whitespace-separated integers (at least one).</summary>
    public static bool IsIntegerString(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 && parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
    }

    /// <summary>
    /// The space and validated architecture of <paramref name="tokens"/>: in <paramref name="space"/> when given, else
    /// in the one of <paramref name="candidates"/> whose size fits the token count and whose decisions accept every
    /// value.
    /// </summary>
    /// <param name="tokens">The official tokens.</param>
    /// <param name="space">The space's name when known (null: infer it).</param>
    /// <param name="candidates">Spaces an inference may pick from (e.g. micro and macro for a CNN).</param>
    /// <param name="what">What is read, for messages.</param>
    /// <param name="howToName">How the user names the space when it is ambiguous (e.g. "pass --space micro or --space
    /// macro"); {0} is replaced by the spaces that fit, as "--space a or --space b".</param>
    /// <exception cref="InvalidArchitectureException">No space fits, several do, or the values are out of range.</exception>
    public static (ISearchSpace Space, Architecture Architecture) Resolve(IReadOnlyList<int> tokens, string? space,
        IReadOnlyList<string> candidates, string what, string howToName)
    {
        var names = space is null ? candidates : [space];
        if (space is not null && !SearchSpaces.Names.Contains(space))
            throw new InvalidArchitectureException(
                $"{what}: unknown search space '{space}' (allowed: {string.Join(", ", SearchSpaces.Names)})");
        var arch = (string name) => new Architecture(name, [.. tokens]);
        var fits = names.Select(n => SearchSpaces.ForTokens(n, tokens.Count)).OfType<ISearchSpace>().ToList();
        if (fits.Count == 0)
            throw new InvalidArchitectureException($"{what}: {tokens.Count} integers are no {string.Join(" or ", names)} " +
                                                   $"architecture ({string.Join("; ", names.Select(Lengths))})");
        var valid = fits.Where(s => Problem(s, arch(s.Name)) is null).ToList();
        if (valid.Count == 0)
            throw new InvalidArchitectureException($"{what}: {Problem(fits[0], arch(fits[0].Name))!.Message}");
        if (valid.Count > 1)
            throw new InvalidArchitectureException(
                $"{what}: {tokens.Count} integers are ambiguous: they read as {string.Join(" or as ", valid.Select(SizeText))}; " +
                string.Format(CultureInfo.InvariantCulture, howToName, string.Join(" or ", valid.Select(s => "--space " + s.Name))));
        return (valid[0], arch(valid[0].Name));
    }

    /// <summary>"a micro architecture with 5 nodes per cell" and the like.</summary>
    public static string SizeText(ISearchSpace space) => space.Name switch
    {
        MicroSpace.SpaceName => $"a micro architecture with {space.Size} nodes per cell",
        MacroSpace.SpaceName => $"a macro architecture with {space.Size} layers",
        RnnSpace.SpaceName => $"a recurrent (rnn) cell with {space.Size} nodes",
        _ => $"a {space.Name} architecture of size {space.Size}",
    };

    private static string Lengths(string space) => space switch
    {
        MicroSpace.SpaceName => "micro has 8 per node of a cell: 40 for 5 nodes",
        MacroSpace.SpaceName => "macro has L(L+1)/2 for L layers: 78 for 12, 300 for 24",
        RnnSpace.SpaceName => "rnn has 2N - 1 for N nodes: 23 for 12",
        _ => space,
    };

    private static InvalidArchitectureException? Problem(ISearchSpace space, Architecture architecture)
    {
        try
        {
            space.Validate(architecture);
            return null;
        }
        catch (InvalidArchitectureException e)
        {
            return e;
        }
    }
}
