namespace Enas.Search.Spaces;

/// <summary>
/// A search space: the ordered decisions of its token sequence, validation and a readable description. The random
/// controller consumes only <see cref="Decisions"/>; the network builder decodes architectures through the space.
/// </summary>
public interface ISearchSpace
{
    /// <summary>"micro", "macro" or "rnn".</summary>
    string Name { get; }

    /// <summary>The size <see cref="SearchSpaces.Create"/> takes: nodes per cell (micro), layers (macro), cell nodes
    /// (rnn).</summary>
    int Size { get; }

    /// <summary>One decision per token, in encoding order.</summary>
    IReadOnlyList<Decision> Decisions { get; }

    /// <summary>The controller's op vocabulary: op count, initial op bias and op prior.</summary>
    ControllerVocabulary Vocabulary { get; }

    /// <summary>Throws <see cref="InvalidArchitectureException"/> unless the architecture belongs to this space.</summary>
    void Validate(Architecture architecture);

    /// <summary>A genotype-like readable description (multi-line allowed).</summary>
    string Describe(Architecture architecture);

    /// <summary>The drawings of <paramref name="architecture"/> a run folder holds: (file name, SVG text).</summary>
    IReadOnlyList<(string File, string Svg)> Draw(Architecture architecture);
}

/// <summary>Validation shared by the spaces.</summary>
public static class SearchSpaceChecks
{
    /// <summary>Checks the space name, the length and each token's range against <paramref name="space"/>'s decisions.</summary>
    public static void CheckRanges(ISearchSpace space, Architecture architecture)
    {
        if (RangeProblem(space, architecture) is { } problem) throw problem;
    }

    /// <summary>What <see cref="CheckRanges"/> would throw (not thrown), or null when the tokens fit the space.</summary>
    public static InvalidArchitectureException? RangeProblem(ISearchSpace space, Architecture architecture)
    {
        if (architecture.SpaceName != space.Name)
            return new InvalidArchitectureException(
                $"architecture is for the '{architecture.SpaceName}' space, not '{space.Name}'");
        var decisions = space.Decisions;
        if (architecture.Tokens.Length != decisions.Count)
            return new InvalidArchitectureException(
                $"{space.Name} architecture has {architecture.Tokens.Length} tokens; this space needs {decisions.Count}");
        for (int i = 0; i < decisions.Count; i++)
        {
            int v = architecture.Tokens[i];
            if (v < 0 || v >= decisions[i].NumChoices)
                return new InvalidArchitectureException(
                    $"{space.Name} architecture: token {i} ({decisions[i].Label}) is {v}; allowed 0..{decisions[i].NumChoices - 1}", i);
        }
        return null;
    }
}
