using Enas.Search.Spaces;

namespace Enas.Search.Training;

/// <summary>A derive candidate and its score with the shared search weights (NOT a final number): an accuracy for
/// image classification (higher is better), a validation perplexity for language modelling (lower is better).</summary>
/// <param name="Architecture">The candidate.</param>
/// <param name="Score">Its shared-weight score on the task's fixed derive data.</param>
/// <param name="Greedy">Whether it is the policy's most likely architecture.</param>
public sealed record ScoredArchitecture(Architecture Architecture, double Score, bool Greedy);
