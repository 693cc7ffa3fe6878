using System.Diagnostics;
using System.Globalization;

namespace Enas.Search.Reporting;

/// <summary>
/// Progress of a phase ("search epoch 3/20: shared training", ...) as "step i of n" with a rate and an ETA from a
/// rolling average over the last <c>etaWindow</c> reports. On an interactive console it redraws one line in place
/// (carriage return); when output is redirected or CI is set it prints plain lines at most every
/// <c>plainInterval</c> (and at the end of a phase). Calls are serialised by a lock, so a training thread and a
/// UI thread may both use it.
/// </summary>
public sealed class ProgressReporter : IDisposable
{
    private readonly object _gate = new();
    private readonly TextWriter _out;
    private readonly Func<TimeSpan> _clock;
    private readonly TimeSpan _plainInterval;
    private readonly TimeSpan _liveInterval = TimeSpan.FromMilliseconds(100);
    private readonly Queue<(int Step, TimeSpan Time)> _window = new();
    private readonly int _etaWindow;
    private string _phase = "";
    private int _total;
    private int _step;
    private string? _detail;
    private TimeSpan? _lastPrint;
    private int _liveLength;

    /// <summary>Creates a reporter.</summary>
    /// <param name="output">Where to write (default <see cref="Console.Out"/>).</param>
    /// <param name="live">Redraw one line in place; null detects it (<see cref="DetectLive"/>).</param>
    /// <param name="plainInterval">Minimum time between plain lines (default 10 s).</param>
    /// <param name="etaWindow">Reports in the rolling rate average (default 20).</param>
    /// <param name="clock">Elapsed-time source (tests); default a started <see cref="Stopwatch"/>.</param>
    public ProgressReporter(TextWriter? output = null, bool? live = null, TimeSpan? plainInterval = null,
        int etaWindow = 20, Func<TimeSpan>? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(etaWindow, 2);
        _out = output ?? Console.Out;
        IsLive = live ?? (output is null && DetectLive());
        _plainInterval = plainInterval ?? TimeSpan.FromSeconds(10);
        _etaWindow = etaWindow;
        if (clock is null)
        {
            var sw = Stopwatch.StartNew();
            clock = () => sw.Elapsed;
        }
        _clock = clock;
    }

    /// <summary>True when redrawing a single line in place.</summary>
    public bool IsLive { get; }

    /// <summary>
    /// True when stdout is an interactive terminal: not redirected, CI not set to true/1, TERM not "dumb".
    /// </summary>
    public static bool DetectLive()
    {
        string? ci = Environment.GetEnvironmentVariable("CI");
        if (ci is not null && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1")) return false;
        if (Environment.GetEnvironmentVariable("TERM") == "dumb") return false;
        return !Console.IsOutputRedirected;
    }

    /// <summary>Starts a phase of <paramref name="total"/> steps (ends any live line of the previous phase).</summary>
    public void Start(string phase, int total)
    {
        lock (_gate)
        {
            EndLiveLine();
            _phase = phase;
            _total = Math.Max(0, total);
            _step = 0;
            _detail = null;
            _window.Clear();
            _window.Enqueue((0, _clock()));
            _lastPrint = null;
        }
    }

    /// <summary>Records that <paramref name="step"/> of the phase's steps are done, with an optional detail
    /// such as "loss 1.23".</summary>
    public void Report(int step, string? detail = null)
    {
        lock (_gate)
        {
            var now = _clock();
            _step = step;
            _detail = detail;
            _window.Enqueue((step, now));
            while (_window.Count > _etaWindow) _window.Dequeue();
            bool last = step >= _total;
            if (IsLive)
            {
                if (last || _lastPrint is not { } drawn || now - drawn >= _liveInterval) Draw(now);
            }
            else if (last || _lastPrint is not { } printed || now - printed >= _plainInterval)
            {
                _out.WriteLine(Line());
                _out.Flush();
                _lastPrint = now;
            }
        }
    }

    /// <summary>Prints a whole line (e.g. an epoch summary) without garbling the live line.</summary>
    public void Message(string line)
    {
        lock (_gate)
        {
            if (IsLive && _liveLength > 0) _out.Write("\r" + new string(' ', _liveLength) + "\r");
            _out.WriteLine(line);
            if (IsLive && _liveLength > 0) Draw(_clock());
            _out.Flush();
        }
    }

    /// <summary>Steps per second over the rolling window, or null before two reports.</summary>
    public double? Rate
    {
        get
        {
            lock (_gate) return RateUnlocked();
        }
    }

    /// <summary>Estimated time to finish the phase, or null while unknown.</summary>
    public TimeSpan? Eta
    {
        get
        {
            lock (_gate) return EtaUnlocked();
        }
    }

    /// <summary>The current status line: "phase 12/50 (24%) 3.1/s ETA 12s | detail".</summary>
    public string Line()
    {
        lock (_gate)
        {
            var ci = CultureInfo.InvariantCulture;
            string pct = _total > 0 ? string.Format(ci, " ({0:0}%)", 100.0 * _step / _total) : "";
            string rate = RateUnlocked() is { } r ? string.Format(ci, " {0:0.##}/s", r) : "";
            string eta = EtaUnlocked() is { } e ? " ETA " + FormatDuration(e) : "";
            string detail = string.IsNullOrEmpty(_detail) ? "" : " | " + _detail;
            return $"{_phase} {_step}/{_total}{pct}{rate}{eta}{detail}";
        }
    }

    /// <summary>
    /// "expected time for the remaining N epochs: about T (from this epoch), then …", measured on the epoch just run
    /// (start-up estimates run while the JIT is still tiering up).
    /// </summary>
    public static string RemainingEpochsLine(int epochsLeft, TimeSpan perEpoch, string then) =>
        $"expected time for the remaining {Count(epochsLeft, "epoch")}: about {FormatDuration(perEpoch * epochsLeft)} " +
        $"(from this epoch), then {then}";

    /// <summary>"1 epoch", "2 epochs", "0 epochs": <paramref name="n"/> and the noun, plural unless n is 1.</summary>
    public static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n:N0} {noun}s";

    /// <summary>"1h 02m", "3m 07s" or "12s".</summary>
    public static string FormatDuration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalHours >= 1) return $"{(int)t.TotalHours}h {t.Minutes:00}m";
        if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes}m {t.Seconds:00}s";
        return $"{(int)Math.Ceiling(t.TotalSeconds)}s";
    }

    /// <summary>Ends the live line so later output starts on a fresh line.</summary>
    public void Dispose()
    {
        lock (_gate) EndLiveLine();
    }

    private double? RateUnlocked()
    {
        if (_window.Count < 2) return null;
        var first = _window.Peek();
        var last = _window.Last();
        double seconds = (last.Time - first.Time).TotalSeconds;
        int steps = last.Step - first.Step;
        return seconds > 0 && steps > 0 ? steps / seconds : null;
    }

    private TimeSpan? EtaUnlocked()
    {
        if (RateUnlocked() is not { } rate) return null;
        return TimeSpan.FromSeconds(Math.Max(0, _total - _step) / rate);
    }

    private void Draw(TimeSpan now)
    {
        string line = Line();
        int width = 0;
        try
        {
            width = Console.IsOutputRedirected ? 0 : Console.WindowWidth;
        }
        catch (IOException)
        {
            width = 0;
        }
        if (width > 1 && line.Length >= width) line = line[..(width - 1)];
        string pad = line.Length < _liveLength ? new string(' ', _liveLength - line.Length) : "";
        _out.Write("\r" + line + pad);
        _out.Flush();
        _liveLength = line.Length;
        _lastPrint = now;
    }

    private void EndLiveLine()
    {
        if (IsLive && _liveLength > 0)
        {
            _out.WriteLine();
            _out.Flush();
        }
        _liveLength = 0;
    }
}
