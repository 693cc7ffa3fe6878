using System.Diagnostics;

namespace Enas.Search.Reporting;

/// <summary>
/// Steady-state timing of repeated work. The first repetitions of a .NET loop run while the JIT is still compiling
/// and tiering methods up (and caches and buffer pools are cold), so they are several times slower than the rest:
/// an estimate that averages them in runs high. These helpers drop a warm-up prefix and summarise the rest.
/// </summary>
public static class SteadyState
{
    /// <summary>
    /// The median of <paramref name="seconds"/> after the first <paramref name="warmup"/> values (robust to a step
    /// slowed by another process or a collection); null when nothing is left after the warm-up.
    /// </summary>
    public static double? Median(IReadOnlyList<double> seconds, int warmup)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        if (seconds.Count <= warmup) return null;
        var rest = seconds.Skip(warmup).Order().ToArray();
        int n = rest.Length;
        return n % 2 == 1 ? rest[n / 2] : (rest[n / 2 - 1] + rest[n / 2]) / 2;
    }

    /// <summary>The mean of <paramref name="seconds"/> after the first <paramref name="warmup"/> values; null when
    /// nothing is left after the warm-up.</summary>
    public static double? Mean(IReadOnlyList<double> seconds, int warmup)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        return seconds.Count <= warmup ? null : seconds.Skip(warmup).Average();
    }
}

/// <summary>
/// Laps the steps of a loop: <see cref="Lap"/> after each step records its duration; once <c>warmup</c> steps and
/// then <c>window</c> timed steps are done, <see cref="SecondsPerStep"/> is the window's median (steps after
/// the window are not timed).
/// </summary>
public sealed class StepTimer
{
    private readonly List<double> _seconds = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _warmup, _window;

    /// <summary>Creates a timer whose clock starts now (the first lap times the first step).</summary>
    public StepTimer(int warmup, int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        (_warmup, _window) = (warmup, window);
    }

    /// <summary>Steps not timed at the start.</summary>
    public int Warmup => _warmup;

    /// <summary>Steps timed after the warm-up.</summary>
    public int Window => _window;

    /// <summary>Steps lapped so far.</summary>
    public int Steps => _seconds.Count;

    /// <summary>Steady seconds per step, once the window is full; null before.</summary>
    public double? SecondsPerStep => _seconds.Count >= _warmup + _window
        ? SteadyState.Median(_seconds.Take(_warmup + _window).ToList(), _warmup)
        : null;

    /// <summary>Records the time since the previous lap (or since creation) as one step's duration; true on the one
    /// lap that fills the window (later laps are not recorded).</summary>
    public bool Lap()
    {
        if (_seconds.Count >= _warmup + _window) return false;
        _seconds.Add(_clock.Elapsed.TotalSeconds);
        _clock.Restart();
        return _seconds.Count == _warmup + _window;
    }
}
