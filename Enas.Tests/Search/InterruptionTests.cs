using System.Diagnostics;
using System.Runtime.InteropServices;
using Enas.Engine.Serialization;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>Ctrl-C: the run says how to continue, leaves no half-written file, and --resume finishes it.</summary>
public sealed partial class InterruptionTests(ITestOutputHelper output)
{
    [Fact]
    public void TheMessageSaysWhatWasKeptAndHowToContinue()
    {
        string kept = Interruption.Message("/runs/a b", hasCheckpoint: true, writesFinished: true);
        Assert.Contains("/runs/a b keeps its last checkpoint and every file complete", kept);
        Assert.EndsWith($"{CliApp.Invocation} --resume --out \"/runs/a b\"", kept);
        Assert.Contains("starts it again from the beginning", Interruption.Message("/r", hasCheckpoint: false, writesFinished: true));
        Assert.Equal("interrupted: stopped.", Interruption.Message(null, hasCheckpoint: false, writesFinished: true));
    }

    [Fact]
    public void StopWaitsForAWriteInProgress()
    {
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var writer = new Thread(() =>
        {
            using (FileWrites.Begin())
            {
                writing.Set();
                release.Wait();
            }
        });
        writer.Start();
        writing.Wait();
        Assert.Null(FileWrites.Stop(TimeSpan.FromMilliseconds(50)));
        release.Set();
        writer.Join();
        using var stopped = FileWrites.Stop(TimeSpan.FromSeconds(30));
        Assert.NotNull(stopped);
    }

    [Fact]
    public async Task CtrlCDuringASearchPrintsHowToResumeAndResumeFinishesIt()
    {
        if (!OperatingSystem.IsLinux()) return; // sends a POSIX signal to a child process
        using var dir = new TempFolder();
        var data = dir["data"];
        SyntheticImages.WriteFashionMnist(data, SyntheticImages.GenerateTrainTest(120, 48, classes: 4, height: 8, width: 8, seed: 5), gzip: true);
        var run = dir["run"];
        string[] args = ["--data", data, "--cells", "2", "--layers", "1", "--channels", "4", "--epochs", "6", "--batch-size", "16",
            "--train-subset", "48", "--validation-size", "32", "--controller-steps", "2", "--controller-aggregate", "2",
            "--derive-samples", "2", "--seed", "3", "--out", run];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Enas.Search.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        string? line;
        while ((line = child.StandardOutput.ReadLine()) is not null && !line.StartsWith("output folder:", StringComparison.Ordinal))
            output.WriteLine(line);
        Assert.NotNull(line); // the run started and named its folder
        Assert.Equal(0, Kill(child.Id, 2)); // SIGINT, as Ctrl-C
        string rest = await child.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await child.WaitForExitAsync(timeout.Token);
        string errors = await stderr;
        output.WriteLine(rest + errors);
        Assert.Equal(130, child.ExitCode);
        Assert.Contains("interrupted: ", errors);
        Assert.Contains($"--resume --out {run}", errors);
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp", SearchOption.AllDirectories));

        var (code, stdout, err) = CliRun.Run(output, "--resume", "--out", run);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("shared-weight accuracy", stdout);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
