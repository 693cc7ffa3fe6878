using System.Collections.Immutable;

namespace Enas.Search.Spaces;

/// <summary>
/// An architecture as plain data: the search space's name and the flat token sequence, which is exactly the official
/// ENAS integer encoding (macro: per layer an op id then i-1 skip bits; micro: per node <c>in1 op1 in2 op2</c>,
/// normal cell then reduction cell). Immutable, with value equality. Validate it with its space.
/// </summary>
public sealed record Architecture
{
    /// <summary>Creates an architecture (not validated; see <see cref="ISearchSpace.Validate"/>).</summary>
    public Architecture(string spaceName, ImmutableArray<int> tokens)
    {
        SpaceName = spaceName;
        Tokens = tokens.IsDefault ? ImmutableArray<int>.Empty : tokens;
    }

    /// <summary>Name of the space the tokens belong to ("macro" or "micro").</summary>
    public string SpaceName { get; }

    /// <summary>The token sequence (official encoding).</summary>
    public ImmutableArray<int> Tokens { get; }

    /// <summary>The official ENAS string: tokens separated by single spaces.</summary>
    public string ToOfficialString() => string.Join(' ', Tokens);

    /// <summary>Parses the official integer string (whitespace separated) for the given space and validates it.</summary>
    public static Architecture ParseOfficial(ISearchSpace space, string text)
    {
        var arch = new Architecture(space.Name, OfficialArchitecture.ParseTokens(text, $"{space.Name} architecture"));
        space.Validate(arch);
        return arch;
    }

    /// <inheritdoc />
    public bool Equals(Architecture? other) =>
        other is not null && SpaceName == other.SpaceName && Tokens.AsSpan().SequenceEqual(other.Tokens.AsSpan());

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(SpaceName);
        foreach (int t in Tokens) h.Add(t);
        return h.ToHashCode();
    }

    /// <summary>A readable genotype (e.g. "micro normal: n2=sep3(0)+id(1); ...") or "space[tokens]" when no registered
    /// space of that name fits the tokens.</summary>
    public override string ToString()
    {
        var space = SearchSpaces.ForTokens(SpaceName, Tokens.Length);
        return space is not null && SearchSpaceChecks.RangeProblem(space, this) is null
            ? $"{SpaceName} " + space.Describe(this).ReplaceLineEndings(" | ")
            : $"{SpaceName}[{ToOfficialString()}]";
    }
}
