namespace Enas.Search.Spaces;

/// <summary>What a decision chooses.</summary>
public enum DecisionKind
{
    /// <summary>An operation id.</summary>
    Op,
    /// <summary>The index of an earlier node used as an input (micro).</summary>
    InputIndex,
    /// <summary>A skip bit: 1 connects an earlier layer (macro).</summary>
    Skip,
}

/// <summary>
/// One position of an architecture's token sequence: a label for messages, what it chooses, and how many values are
/// allowed (tokens are in [0, <see cref="NumChoices"/>)).
/// </summary>
/// <param name="Label">Human-readable position, e.g. "normal node 3 input 2".</param>
/// <param name="Kind">What the token means.</param>
/// <param name="NumChoices">Number of allowed values.</param>
public sealed record Decision(string Label, DecisionKind Kind, int NumChoices);
