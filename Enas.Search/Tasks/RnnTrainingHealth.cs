using System.Globalization;
using Enas.Search.Training;

namespace Enas.Search.Tasks;

/// <summary>What the check makes of an epoch.</summary>
public enum RnnHealthVerdict
{
    /// <summary>At most <see cref="RnnTrainingHealth.WarnFraction"/> of the windows skipped.</summary>
    Healthy,

    /// <summary>More skipped: a warning, printed, in the metrics and on the result.</summary>
    Unstable,

    /// <summary>Clearly diverging: the search stops (exit 3) before the epoch's checkpoint is written.</summary>
    Diverged,
}

/// <summary>
/// Whether the recurrent search's shared training is diverging, judged after each epoch's shared-training pass from
/// the windows skipped because their loss or gradient was not finite (their update is skipped) and from the mean
/// training loss of the others, measured against ln V, the loss of guessing uniformly among the V words. An epoch that
/// skips more than 10 % of its windows is unstable: warned about, and a cell derived after it is never presented
/// without that warning. Training has diverged, and the search stops (exit 3) before the epoch's checkpoint is
/// written, when an epoch skips more than 25 % of its windows (all of them included), when its training loss exceeds
/// 10 ln V (the loss can explode without overflowing), or when <see cref="RisingEpochs"/> unstable epochs in a row each
/// have a higher training loss than the one before.
/// </summary>
public static class RnnTrainingHealth
{
    /// <summary>Skipped fraction above which an epoch is unstable.</summary>
    public const double WarnFraction = 0.10;

    /// <summary>Skipped fraction above which training has diverged.</summary>
    public const double StopFraction = 0.25;

    /// <summary>Training loss, in multiples of ln V, above which training has diverged.</summary>
    public const double StopLossFactor = 10;

    /// <summary>Unstable epochs in a row with a rising training loss that count as diverged.</summary>
    public const int RisingEpochs = 3;

    /// <summary>The verdict on the last epoch of <paramref name="history"/> (every epoch so far, oldest first) of a
    /// model over <paramref name="vocabulary"/> words, and why (null when healthy).</summary>
    public static (RnnHealthVerdict Verdict, string? Reason) Judge(IReadOnlyList<RnnEpochHealth> history, int vocabulary)
    {
        var last = history[^1];
        double uniform = Math.Log(Math.Max(vocabulary, 2));
        if (last.SkippedFraction > StopFraction || !double.IsFinite(last.TrainLoss))
            return (RnnHealthVerdict.Diverged, $"more than {Percent(StopFraction)} of the windows were skipped");
        if (last.TrainLoss > StopLossFactor * uniform)
            return (RnnHealthVerdict.Diverged, string.Create(CultureInfo.InvariantCulture,
                $"the training loss exceeds {StopLossFactor:G} x ln V = {StopLossFactor * uniform:F1}, far worse than guessing uniformly among the {vocabulary} words"));
        if (last.SkippedFraction <= WarnFraction) return (RnnHealthVerdict.Healthy, null);
        if (history.Count >= RisingEpochs)
        {
            var recent = history.Skip(history.Count - RisingEpochs).ToList();
            if (recent.All(e => e.SkippedFraction > WarnFraction) && recent.Zip(recent.Skip(1)).All(p => p.Second.TrainLoss > p.First.TrainLoss))
                return (RnnHealthVerdict.Diverged,
                    $"{RisingEpochs} epochs in a row skipped more than {Percent(WarnFraction)} of their windows while the training loss rose");
        }
        return (RnnHealthVerdict.Unstable, $"more than {Percent(WarnFraction)} of the windows were skipped");
    }

    private static string Percent(double fraction) => fraction.ToString("P0", CultureInfo.InvariantCulture);

    /// <summary>What to change, with the values this run used.</summary>
    public static string Advice(RnnSearchOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"try a lower --lr (now {o.LearningRate:G3}, e.g. {o.LearningRate / 2:G3}), fewer --nodes (now {o.Nodes}) or a tighter --grad-clip (now {o.GradClip:G3}, e.g. {o.GradClip / 2:G3})");

    /// <summary>The warning carried by a result derived after <paramref name="unstable"/> epochs (null when none).</summary>
    public static string? ResultWarning(IReadOnlyList<RnnEpochHealth> unstable, RnnSearchOptions o) => unstable.Count == 0
        ? null
        : $"shared training was unstable in {unstable.Count} epoch(s) ({string.Join("; ", unstable)}), so the shared " +
          $"weights that ranked this cell may be broken: treat it with suspicion and {Advice(o)}";
}
