using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>
/// The recurrent controller reward: c / (validation perplexity of the sampled cell with the shared weights), 0 for a
/// cell whose outputs overflow (instead of poisoning the baseline). The perplexity is measured on fixed validation
/// windows, or on one window drawn per reward after the cell was sampled (<see cref="RnnSearchOptions.RewardWindows"/> 0).
/// </summary>
/// <param name="perplexity">Shared-weight perplexity of a cell on the given windows.</param>
/// <param name="fixedWindows">The windows of every reward (null: one random window per reward).</param>
/// <param name="windowCount">Validation windows to draw from.</param>
/// <param name="rng">The controller's generator (random windows are drawn from it).</param>
/// <param name="constant">The reward constant c (80).</param>
internal sealed class LanguageModelReward(Func<Architecture, IReadOnlyList<int>, double> perplexity, int[]? fixedWindows,
    int windowCount, XoshiroRandom rng, double constant) : IControllerReward
{
    private int[]? _windows;

    /// <inheritdoc />
    public void NextData() => _windows = fixedWindows;

    /// <summary>Draws the random window of this reward (after the cell was sampled, from the controller's generator,
    /// as the official code does); with fixed windows nothing.</summary>
    public void Drawn() => _windows ??= [rng.Next(windowCount)];

    /// <inheritdoc />
    public double Measure(Architecture architecture) =>
        perplexity(architecture, _windows ?? throw new InvalidOperationException("a reward was measured before its window was drawn"));

    /// <summary>c / perplexity, or 0 when the perplexity is not finite.</summary>
    public double RewardOf(double metric) => double.IsFinite(metric) ? constant / metric : 0;

    /// <summary><paramref name="requested"/> windows evenly spaced over <paramref name="count"/>, or null when each
    /// reward draws its own (0).</summary>
    public static int[]? FixedWindows(int requested, int count)
    {
        if (requested <= 0) return null;
        int n = Math.Min(requested, count);
        return [.. Enumerable.Range(0, n).Select(k => (int)((long)k * count / n))];
    }
}
