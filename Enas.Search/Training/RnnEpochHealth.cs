using System.Globalization;
using System.Text.Json.Serialization;

namespace Enas.Search.Training;

/// <summary>One epoch of recurrent shared training as the divergence check sees it (kept in checkpoints, so a resumed
/// search judges as an uninterrupted one).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean training loss over the windows that were not skipped (NaN when all were).</param>
/// <param name="Skipped">Windows skipped because their loss or gradient was not finite.</param>
/// <param name="Windows">Windows trained.</param>
public sealed record RnnEpochHealth(int Epoch, double TrainLoss, int Skipped, int Windows)
{
    /// <summary>Skipped windows as a fraction of the epoch.</summary>
    [JsonIgnore]
    public double SkippedFraction => Windows == 0 ? 0 : (double)Skipped / Windows;

    /// <summary>"epoch 3: train loss 8.100, 20 of 132 windows (15 %) skipped (non-finite loss or gradient)".</summary>
    public override string ToString() =>
        $"epoch {Epoch}: train loss {TrainLoss.ToString(Math.Abs(TrainLoss) < 1e5 ? "F3" : "E2", CultureInfo.InvariantCulture)}, " +
        $"{Skipped} of {Windows} windows ({SkippedFraction.ToString("P0", CultureInfo.InvariantCulture)}) skipped (non-finite loss or gradient)";
}
