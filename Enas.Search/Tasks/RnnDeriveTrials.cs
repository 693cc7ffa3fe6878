using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Randomness;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Tasks;

/// <summary>One derive trial: a candidate trained briefly from scratch.</summary>
/// <param name="Candidate">The candidate with its shared-weight perplexity.</param>
/// <param name="TrialValidPerplexity">Best validation perplexity of the short training (+inf when it diverged).</param>
/// <param name="BestEpoch">Epoch of that perplexity (0 when it diverged).</param>
public sealed record RnnDeriveTrial(ScoredArchitecture Candidate, double TrialValidPerplexity, int BestEpoch);

/// <summary>
/// Derive by short training (<c>--derive-train K</c>). Shared weights rank cells unreliably: a cell can score well with
/// weights trained for every cell and train badly alone (with all-node output the searches picked identity-node-0
/// cells that lost 3-13 ppl to random cells after retraining; perf/RESULTS.md). Here the K best candidates by
/// shared-weight perplexity are each trained from scratch for a few epochs, with one seed for all (the same
/// initial-weight draws and dropout masks, so the trials differ by the cell only; <see cref="TrialSeed"/>), and ranked
/// by validation perplexity.
/// The test split is not read.
/// </summary>
public static class RnnDeriveTrials
{
    /// <summary>The seed of every trial: its own stream, never one a retrain of the run uses (the retrains and
    /// --compare use the run's seed and the next ones), so a trial's initial weights and masks do not reappear in the
    /// final numbers and favour the cell they picked.</summary>
    public static ulong TrialSeed(ulong runSeed) => SeedStreams.RecurrentDeriveTrials(runSeed);

    /// <summary>Trains the first <paramref name="top"/> of <paramref name="ranked"/> (best first) for
    /// <paramref name="epochs"/> epochs each and returns the trials, lowest validation perplexity first (ties keep
    /// the shared-weight order).</summary>
    public static IReadOnlyList<RnnDeriveTrial> Run(RnnSpace space, IReadOnlyList<ScoredArchitecture> ranked, int top, int epochs,
        WordCorpus corpus, RnnSearchOptions o, Action<string>? log = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (ranked.Count == 0) throw new ArgumentException("derive produced no candidates to train", nameof(ranked));
        var chosen = ranked.Take(top).ToArray();
        var trialOptions = o with { Seed = TrialSeed(o.Seed) };
        var trials = new List<RnnDeriveTrial>(chosen.Length);
        for (int i = 0; i < chosen.Length; i++)
        {
            var c = chosen[i];
            string cell = c.Architecture.ToOfficialString();
            log?.Invoke($"derive trial {i + 1}/{chosen.Length}: cell [{cell}] (shared-weight valid ppl " +
                        $"{c.Score:F1}), {epochs} epochs from scratch");
            RnnDeriveTrial trial;
            try
            {
                var r = RnnRetrain.Run(space, c.Architecture, corpus, trialOptions, epochs, log, device, test: false);
                trial = new RnnDeriveTrial(c, r.ValidPerplexity, r.BestEpoch);
            }
            catch (InvalidOperationException) // no finite validation perplexity: this cell diverges; the others may not
            {
                trial = new RnnDeriveTrial(c, double.PositiveInfinity, 0);
            }
            log?.Invoke($"derive trial {i + 1}/{chosen.Length}: valid ppl {trial.TrialValidPerplexity:F1} after {epochs} epochs");
            trials.Add(trial);
        }
        // List.Sort is not stable; OrderBy is, so equal perplexities keep the shared-weight order.
        return [.. trials.OrderBy(t => double.IsNaN(t.TrialValidPerplexity) ? double.PositiveInfinity : t.TrialValidPerplexity)];
    }
}
