using System.Diagnostics;

namespace Enas.Tests.Distributed;

/// <summary>Skips (with the reason shown) when Open MPI's mpirun is not on PATH; .ci/run installs it.</summary>
public sealed class RequiresMpirunFactAttribute : FactAttribute
{
    public RequiresMpirunFactAttribute()
    {
        if (Mpirun.Path is null)
            Skip = "Open MPI is not installed (apt-get install -y openmpi-bin; .ci/run installs it): the data-parallel " +
                   "checks run the search under mpirun";
    }
}

/// <summary>Runs Enas.Search.dll under Open MPI's mpirun on this machine: loopback and shared memory only, as root
/// when CI runs as root, ranks not bound to cores (each sees the cores the test process sees).</summary>
public static class Mpirun
{
    /// <summary>mpirun on PATH, or null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
        .Where(d => d.Length > 0).Select(d => System.IO.Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>The switches every job here needs: root allowed, more ranks than cores allowed, no binding, the
    /// self and shared-memory transports only.</summary>
    public static readonly string[] Switches = ["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader"];

    /// <summary>Runs one rank per entry of <paramref name="workingFolders"/> (rank r in folder r, an MPMD job), each
    /// <c>dotnet Enas.Search.dll args</c>; returns the exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Search(IReadOnlyList<string> workingFolders, IReadOnlyList<string> args, TimeSpan timeout) =>
        Search([.. workingFolders.Select(f => (f, args))], timeout);

    /// <summary>Runs rank r in <c>ranks[r].Folder</c> with its own <c>ranks[r].Args</c> (an MPMD job).</summary>
    public static (int Code, string Out, string Err) Search(IReadOnlyList<(string Folder, IReadOnlyList<string> Args)> ranks, TimeSpan timeout)
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
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun did not finish within {timeout.TotalSeconds:0} s: {stderr.Result}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
