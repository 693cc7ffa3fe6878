using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Enas.Search.Diagnostics;

/// <summary>
/// Where a run's wall time goes: an in-process listener of the kernels' EventSource ("Enas-Kernels") that sums, per
/// kernel name, the time of every outermost kernel call (a kernel that calls another is counted once, as the outer),
/// against the wall time since it started. Enabled by <c>ENAS_PROFILE=FILE</c>: the table is written to FILE when the
/// process ends. Listening costs about a microsecond per kernel call (two events), so the figures slightly overstate
/// the time outside kernels.
/// </summary>
public sealed class KernelProfile : EventListener
{
    private const int LaunchEvent = 1, ElapsedEvent = 3;
    [ThreadStatic] private static int t_depth;
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly Dictionary<string, (long Calls, double Microseconds)> _byKernel = new(StringComparer.Ordinal);
    private readonly HashSet<int> _threads = [];

    /// <summary>Starts a profile when <c>ENAS_PROFILE</c> names a file (null otherwise); the caller disposes it at the
    /// end, which writes the table there.</summary>
    public static KernelProfile? FromEnvironment() =>
        Environment.GetEnvironmentVariable("ENAS_PROFILE") is { Length: > 0 } path ? new KernelProfile(path) : null;

    internal KernelProfile(string path) => OutputPath = Path.GetFullPath(path);

    /// <summary>Where <see cref="Dispose"/> writes the table.</summary>
    public string OutputPath { get; }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Enas-Kernels") EnableEvents(source, EventLevel.Informational);
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        // In-process listeners are called on the thread that wrote the event, so a thread-static depth finds the
        // outermost call of a nested pair.
        if (e.EventId == LaunchEvent) t_depth++;
        else if (e.EventId == ElapsedEvent && e.Payload is { Count: 3 } p)
        {
            if (--t_depth > 0) return;
            t_depth = 0;
            string name = (string?)p[0] ?? "?";
            double us = Convert.ToDouble(p[2], CultureInfo.InvariantCulture);
            lock (_gate)
            {
                _byKernel.TryGetValue(name, out var sum);
                _byKernel[name] = (sum.Calls + 1, sum.Microseconds + us);
                _threads.Add(Environment.CurrentManagedThreadId);
            }
        }
    }

    /// <summary>The table: wall time, time inside kernels and its share, then each kernel by total time.</summary>
    public string Table()
    {
        lock (_gate)
        {
            double wall = _wall.Elapsed.TotalSeconds, inside = _byKernel.Values.Sum(k => k.Microseconds) / 1e6;
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"wall {wall:F1} s; inside kernels {inside:F1} s ({100 * inside / Math.Max(wall, 1e-9):F1} %), " +
                                                         $"outside {wall - inside:F1} s; {_byKernel.Values.Sum(k => k.Calls):N0} outermost kernel calls " +
                                                         $"from {_threads.Count} thread(s)");
            sb.AppendLine("| kernel | calls | seconds | % of wall | us per call |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var (name, (calls, us)) in _byKernel.OrderByDescending(k => k.Value.Microseconds))
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {calls:N0} | {us / 1e6:F2} | {100 * us / 1e6 / Math.Max(wall, 1e-9):F1} | {us / calls:F1} |");
            return sb.ToString();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        File.WriteAllText(OutputPath, Table());
    }
}
