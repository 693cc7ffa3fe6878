using System.Diagnostics;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Distributed;

/// <summary>Skips (with the reason shown) when Open MPI's mpirun is not on PATH; .ci/run installs it.</summary>
public sealed class RequiresMpirunFactAttribute : FactAttribute
{
    public RequiresMpirunFactAttribute() => Skip = Mpirun.SkipReason;
}

/// <summary>The theory form of <see cref="RequiresMpirunFactAttribute"/>.</summary>
public sealed class RequiresMpirunTheoryAttribute : TheoryAttribute
{
    public RequiresMpirunTheoryAttribute() => Skip = Mpirun.SkipReason;
}

/// <summary>Runs Enas.Search.dll under Open MPI's mpirun on this machine: loopback and shared memory only, as root
/// when CI runs as root, ranks not bound to cores (each sees the cores the test process sees).</summary>
public static class Mpirun
{
    /// <summary>Why the data-parallel checks are skipped, or null when mpirun is on PATH.</summary>
    public static string? SkipReason => Path is null
        ? "Open MPI is not installed (apt-get install -y openmpi-bin; .ci/run installs it): the data-parallel checks run the search under mpirun"
        : null;

    /// <summary>An empty working folder per rank inside <paramref name="dir"/> (rank0, rank1, ...).</summary>
    public static string[] RankFolders(TempFolder dir, int ranks = 2) =>
        [.. Enumerable.Range(0, ranks).Select(r => Directory.CreateDirectory(dir[$"rank{r}"]).FullName)];

    /// <summary>mpirun on PATH, or null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
        .Where(d => d.Length > 0).Select(d => System.IO.Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>The switches every job here needs: root allowed, more ranks than cores allowed, no binding, the
    /// self and shared-memory transports only, and a rank waiting in a collective yields its core (the test machine
    /// has 2 cores, often shared with the test run itself).</summary>
    public static readonly string[] Switches =
        ["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader", "--mca", "mpi_yield_when_idle", "1"];

    /// <summary>Runs one rank per entry of <paramref name="workingFolders"/> (rank r in folder r, an MPMD job), each
    /// <c>dotnet Enas.Search.dll args</c>; returns the exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Search(IReadOnlyList<string> workingFolders, IReadOnlyList<string> args, TimeSpan timeout) =>
        Search([.. workingFolders.Select(f => (f, args))], timeout);

    /// <summary>Starts <see cref="Search(IReadOnlyList{string}, IReadOnlyList{string}, TimeSpan)"/>'s job without
    /// waiting (the caller reads its output and waits).</summary>
    public static Process Start(IReadOnlyList<string> workingFolders, IReadOnlyList<string> args) =>
        Process.Start(StartInfo([.. workingFolders.Select(f => (f, args))]))!;

    /// <summary>The process id of rank <paramref name="rank"/> of the job <paramref name="mpirun"/> started (a child of
    /// mpirun whose environment has OMPI_COMM_WORLD_RANK = rank; Linux /proc), or null while there is none.</summary>
    public static int? RankProcess(Process mpirun, int rank)
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(proc), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(System.IO.Path.Combine(proc, "stat"));
                int parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (parent != mpirun.Id) continue;
                if (File.ReadAllText(System.IO.Path.Combine(proc, "environ")).Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // the process ended while we looked
            }
        }
        return null;
    }

    /// <summary>Runs rank r in <c>ranks[r].Folder</c> with its own <c>ranks[r].Args</c> (an MPMD job).</summary>
    public static (int Code, string Out, string Err) Search(IReadOnlyList<(string Folder, IReadOnlyList<string> Args)> ranks, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(ranks))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun did not finish within {timeout.TotalSeconds:0} s: {stderr.Result}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyList<(string Folder, IReadOnlyList<string> Args)> ranks)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var s in Switches) start.ArgumentList.Add(s);
        for (int r = 0; r < ranks.Count; r++)
        {
            if (r > 0) start.ArgumentList.Add(":");
            foreach (var a in new[] { "-np", "1", "-wdir", ranks[r].Folder, "dotnet", System.IO.Path.Combine(AppContext.BaseDirectory, "Enas.Search.dll") })
                start.ArgumentList.Add(a);
            foreach (var a in ranks[r].Args) start.ArgumentList.Add(a);
        }
        // Containers often forbid the cross-memory attach that shared memory would use for large messages.
        start.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        start.Environment["ENAS_THREADS"] = "1"; // one kernel thread per rank: two ranks share the 2 cores
        return start;
    }
}
