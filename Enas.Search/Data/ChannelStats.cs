namespace Enas.Search.Data;

/// <summary>Per-channel mean and standard deviation (population), used to normalise every split alike.</summary>
/// <param name="Mean">One value per channel.</param>
/// <param name="Std">One value per channel; never below 1e-6 so constant channels do not divide by zero.</param>
public sealed record ChannelStats(float[] Mean, float[] Std)
{
    /// <summary>Number of channels.</summary>
    public int Channels => Mean.Length;

    /// <summary>"mean [a, b, c], std [d, e, f]" with four decimals.</summary>
    public override string ToString() =>
        $"mean [{string.Join(", ", Mean.Select(v => v.ToString("F4")))}], " +
        $"std [{string.Join(", ", Std.Select(v => v.ToString("F4")))}]";
}
