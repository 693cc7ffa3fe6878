using System.CommandLine;
using System.Runtime.CompilerServices;

namespace Enas.Search.Cli;

/// <summary>The searches of the root command.</summary>
internal enum SearchKind
{
    /// <summary>The CNN search (--space micro or macro).</summary>
    Cnn,

    /// <summary>The recurrent search (--space rnn).</summary>
    Recurrent,
}

/// <summary>
/// Which search reads a root-command flag, declared once with the flag (<see cref="CnnOnly{T}"/>,
/// <see cref="RecurrentOnly{T}"/>); a flag declared with neither is read by every search. A search refuses every flag
/// given for the other one (<see cref="Refuse"/>), so no flag is ignored without a word, and the help groups the flags
/// by the same declarations.
/// </summary>
internal static class SearchScope
{
    private sealed record Scope(SearchKind Only, string? Refusal);

    private static readonly ConditionalWeakTable<Option, Scope> Scopes = new();

    /// <summary>Declares <paramref name="option"/> as read by the CNN search only; <paramref name="refusal"/> replaces
    /// the recurrent search's standard message.</summary>
    public static T CnnOnly<T>(T option, string? refusal = null) where T : Option => Declare(option, SearchKind.Cnn, refusal);

    /// <summary>Declares <paramref name="option"/> as read by the recurrent search only.</summary>
    public static T RecurrentOnly<T>(T option) where T : Option => Declare(option, SearchKind.Recurrent, null);

    /// <summary>The options among <paramref name="options"/> that only <paramref name="kind"/> reads, in order.</summary>
    public static IReadOnlyList<Option> Only(IEnumerable<Option> options, SearchKind kind) =>
        [.. options.Where(o => Scopes.TryGetValue(o, out var s) && s.Only == kind)];

    /// <summary>Refuses the first of <paramref name="options"/> given on <paramref name="p"/> that the
    /// <paramref name="running"/> search does not read.</summary>
    /// <exception cref="CliException">Such a flag was given.</exception>
    public static void Refuse(ParseResult p, IEnumerable<Option> options, SearchKind running)
    {
        foreach (var option in options)
            if (p.GetResult(option) is { Implicit: false } && Scopes.TryGetValue(option, out var s) && s.Only != running)
                throw new CliException(s.Refusal ?? (s.Only == SearchKind.Cnn
                    ? $"{option.Name} is for the CNN search (--space micro or macro); the recurrent search is sized with --nodes, " +
                      "--hidden, --bptt and --batch-size"
                    : $"{option.Name} is for the recurrent search (--space rnn); this command runs a CNN search"));
    }

    private static T Declare<T>(T option, SearchKind kind, string? refusal) where T : Option
    {
        Scopes.AddOrUpdate(option, new Scope(kind, refusal));
        return option;
    }
}
