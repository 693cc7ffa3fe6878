using System.Text.Json.Nodes;
using Enas.Engine;
using Enas.Kernels.Gpu;
using Enas.Kernels;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Search.Training;
using Enas.Tests.Rnn;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Gpu;

/// <summary>
/// The recurrent search uses the device it is given: one search epoch (shared training with sampled cells, REINFORCE
/// rewards scored with the shared weights), derive, and the --compare retraining of the searched cell, a random cell
/// and the LSTM on ILGPU's CPU accelerator give the numbers the CPU backend gives, with the language models' buffers
/// on the emulator (and none left behind). The controller stays on the CPU. Tiny sizes: the emulator is slow.
/// Runs alone: it checks the emulator's live-buffer count.
/// </summary>
[Collection(LeakCheckCollection.Name)]
public class RnnSearchOnIlgpuTests
{
    private static WordCorpus Corpus()
    {
        var rng = new Random(6);
        string[] words = ["a", "b", "c", "d", "e", "f", "g"];
        string Line() => string.Join(' ', Enumerable.Range(0, 4 + rng.Next(3)).Select(i => words[(i * 3 + rng.Next(2)) % words.Length]));
        return WordCorpus.FromLines([.. Enumerable.Range(0, 12).Select(_ => Line())],
            [.. Enumerable.Range(0, 4).Select(_ => Line())], [.. Enumerable.Range(0, 4).Select(_ => Line())]);
    }

    private static readonly RnnSearchOptions Options = new()
    {
        Nodes = 3, Hidden = 8, BatchSize = 2, Bptt = 4, Epochs = 1, MaxWindowsPerEpoch = 2, ControllerSteps = 2,
        ControllerAggregate = 1, DeriveSamples = 2, DeriveWindows = 1, RewardWindows = 1, Controller = "lstm",
        ControllerSettings = RnnController.DefaultOptions with { Hidden = 8 },
    };

    [Fact]
    public void SearchDeriveAndComparisonMatchTheCpuBackend()
    {
        _ = IlgpuTestDevices.CpuAccelerator; // registers the emulator as (IlgpuCpu, 0)
        var emulator = new Device(DeviceKind.IlgpuCpu);
        int live = emulator.Backend.LiveBufferCount;
        var corpus = Corpus();
        var cpu = Run(corpus, Device.Cpu, IlgpuTestDevices.CpuAccelerator);
        var gpu = Run(corpus, emulator, IlgpuTestDevices.CpuAccelerator);
        Assert.Equal(live, emulator.Backend.LiveBufferCount);

        Assert.True(cpu.Held == 0, "the CPU run must not touch the emulator");
        Assert.True(gpu.Held > 0, "the search's language model must live on the emulator");
        Assert.Equal((0, 0), (cpu.SearchLaunches, cpu.ComparisonLaunches));
        Assert.True(gpu.SearchLaunches > 0 && gpu.ComparisonLaunches > 0, "search and retraining run their kernels on the emulator");
        double Field(RunResult r, string name) => (double)r.Epoch[name]!;
        Assert.True(double.IsFinite(Field(cpu, "train_loss")));
        foreach (string field in new[] { "train_loss", "reward", "shared_weight_valid_ppl" })
            Assert.Equal(Field(cpu, field), Field(gpu, field), 1e-4 * Field(cpu, field));
        Assert.Equal((string?)cpu.Epoch["greedy_cell"], (string?)gpu.Epoch["greedy_cell"]);
        var gpuDerived = gpu.Derived.ToDictionary(c => c.Architecture.ToOfficialString(), c => c.Score);
        Assert.Equal(cpu.Derived.Count, gpuDerived.Count);
        foreach (var c in cpu.Derived)
            Assert.Equal(c.Score, gpuDerived[c.Architecture.ToOfficialString()], 1e-4 * c.Score);
        Assert.Equal(cpu.Compared.Select(r => r.Model), gpu.Compared.Select(r => r.Model));
        for (int i = 0; i < cpu.Compared.Count; i++)
        {
            var (c, g) = (cpu.Compared[i], gpu.Compared[i]);
            Assert.Equal(c.Parameters, g.Parameters);
            Assert.Equal(c.Epochs[0].Train.Loss, g.Epochs[0].Train.Loss, 1e-4 * c.Epochs[0].Train.Loss);
            Assert.Equal(c.ValidPerplexity, g.ValidPerplexity, 1e-4 * c.ValidPerplexity);
            Assert.Equal(c.TestPerplexity, g.TestPerplexity, 1e-4 * c.TestPerplexity);
        }
    }

    [Fact]
    public void ACheckpointWrittenOnTheDeviceResumesOnTheCpu()
    {
        _ = IlgpuTestDevices.CpuAccelerator;
        var emulator = new Device(DeviceKind.IlgpuCpu);
        var corpus = Corpus();
        using var dir = new TempFolder();
        string folder = dir["run"];
        using var onDevice = new RnnSearchRun(Options with { Epochs = 2 }, corpus, emulator, folder);
        Assert.Null(onDevice.Run(stopAfterEpochs: 1));
        using var onCpu = new RnnSearchRun(Options with { Epochs = 2 }, corpus, Device.Cpu, folder);
        Assert.Equal(1, onCpu.Search.EpochsDone);
        var arch = RnnComparison.RandomCell(onCpu.Task.Space, 3);
        double expected = onDevice.Task.ScoreOnWindows(arch, [0, 1]);
        Assert.Equal(expected, onCpu.Task.ScoreOnWindows(arch, [0, 1]), 1e-4 * expected);
    }

    private sealed record RunResult(int Held, JsonObject Epoch, IReadOnlyList<ScoredArchitecture> Derived,
        IReadOnlyList<RnnRetrainResult> Compared, int SearchLaunches, int ComparisonLaunches);

    private static RunResult Run(WordCorpus corpus, Device device, IlgpuBackend emulator)
    {
        using var events = new DeviceEventCounter();
        int before = emulator.LiveBufferCount;
        int held;
        JsonObject epoch;
        IReadOnlyList<ScoredArchitecture> derived;
        using (var search = new RnnSearchRun(Options, corpus, device))
        {
            Assert.Equal(device, search.Task.Device);
            held = emulator.LiveBufferCount - before;
            derived = search.Run()!.Ranked;
            epoch = search.Epochs.Single();
        }
        int searchLaunches = events.Launches(emulator.ShortName);
        events.Clear();
        using var dir = new TempFolder();
        var comparison = new RnnComparison(dir.Path, device);
        comparison.Run(new RnnSpace(Options.Nodes), derived[0].Architecture, corpus, Options with { MaxWindowsPerEpoch = 1 }, 1);
        Assert.True(File.Exists(dir["comparison.json"]));
        return new RunResult(held, epoch, derived, comparison.Results.Select(x => x.Result).ToList(), searchLaunches, events.Launches(emulator.ShortName));
    }
}
