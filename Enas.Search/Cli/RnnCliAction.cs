using System.Diagnostics;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Tasks;

namespace Enas.Search.Cli;

/// <summary>
/// Runs a recurrent-cell search (then retrains the derived cell), or trains a given cell or the LSTM baseline, and
/// prints validation and test perplexities. Writes best-architecture.json/.txt, rnn-cell.svg and metrics.jsonl into
/// the output folder; the search checkpoints after every epoch (checkpoints/last.ckpt) and <c>--resume</c> continues it.
/// Under mpirun every rank runs it: training is data-parallel over the token streams, rewards and derive scores are
/// split over the ranks, and rank 0 alone prints and writes the folder.
/// </summary>
internal static class RnnCliAction
{
    public static int Run(RnnCliRequest r, TextWriter stdout, bool? live = null)
    {
        var o = r.Options;
        var world = World.Communicator;
        if (r.Resume && r.Out is null) throw new CliException("--resume needs --out pointing at the run to continue");
        if (r.Resume && (r.Cell ?? r.Baseline) is not null)
            throw new CliException($"cannot resume {r.Out}: it trained {(r.Cell is not null ? "a given cell (--cell)" : "the LSTM baseline")} " +
                                       "from scratch, which keeps no checkpoint; run it again with another --out");
        // First, as the CNN search does: --device cuda without a GPU stops here, before data is read or anything written.
        var device = DeviceSelection.Resolve(r.Device, stdout, world.Rank);
        // A bad --cell stops before data is read or a run folder made.
        var given = r.Cell is null ? ((RnnSpace Space, Architecture Arch)?)null : RnnCellArgument.Resolve(r.Cell, r.NodesGiven, o.FirstNodeTanh);
        var corpus = r.Dataset == "ptb-mini" ? WordCorpus.LoadMini(r.DataDir) : WordCorpus.Load(r.DataDir);
        stdout.WriteLine($"{corpus.Description}: vocabulary {corpus.Vocabulary.Count:N0}, tokens train {corpus.Train.Length:N0} / " +
                         $"valid {corpus.Valid.Length:N0} / test {corpus.Test.Length:N0}");
        // As the CNN search: a new run needs a new or empty folder and records its configuration there; a resume
        // needs a run (and creates nothing when there is none).
        string configJson = RnnRunConfig.Of(r, device.ToString()).ToJson();
        // Under mpirun rank 0 writes the run; the other ranks read it (a resume) and write nothing.
        if (LmDataParallel.Refusal(o.BatchSize, world.Size) is { } refusal) throw new CliException(refusal);
        Replicas.RequireOut(world, r.Out, "the recurrent search");
        var folder = world.Rank > 0 ? RunFolder.Replica(r.Out!, r.Resume)
            : r.Resume
            ? RunFolder.OpenForResume(r.Out!, checkpointSuffices: true)
            : RunFolder.Create(r.Out ?? Path.Combine("runs", $"rnn-{DateTime.UtcNow:yyyyMMdd-HHmmss}"), configJson, checkpoints: given is null && r.Baseline is null);
        string outDir = folder.Path;
        void Log(string line) => stdout.WriteLine(line);
        void Write(string file, string text)
        {
            if (folder.Writes) AtomicFile.WriteAllText(Path.Combine(outDir, file), text);
        }
        if (world.Size > 1)
            stdout.WriteLine($"data-parallel on {world.Size} ranks (mpirun): each trains its share of the {o.BatchSize} token streams " +
                             "of every window; rewards and derive scores are split over the ranks");
        // The searched or given cell trained from scratch: alone, or next to a random cell and the LSTM (--compare).
        void TrainCell(RnnSpace space, Architecture arch)
        {
            if (r.Compare) new RnnComparison(outDir, device, folder.Writes).Run(space, arch, corpus, o, r.RetrainEpochs, Log, r.CompareSeeds);
            else Report(RnnRetrain.Run(space, arch, corpus, o, r.RetrainEpochs, Log, device), stdout);
        }

        if (r.Baseline == "lstm")
        {
            Report(RnnRetrain.Run(null, null, corpus, o, r.RetrainEpochs, Log, device), stdout);
            return 0;
        }
        if (given is { } cell)
        {
            var (space, arch) = cell;
            stdout.WriteLine(space.Describe(arch, o.CellOutput));
            Write("rnn-cell.svg", RnnCellDrawing.Svg(space, arch, o.CellOutput));
            TrainCell(space, arch);
            return 0;
        }

        var clock = Stopwatch.StartNew();
        using var progress = new ProgressReporter(stdout, live);
        var (task, search) = SearchLoops.Language(o, corpus, device, folder, progress); // restores a resumed run's checkpoint
        using var taskScope = task;
        using var searchScope = search;
        stdout.WriteLine($"ENAS rnn search: {o.Nodes} nodes, hidden {o.Hidden}, batch {o.BatchSize}, BPTT {o.Bptt}, " +
                         $"{o.Epochs} epochs x {task.StepsPerEpoch} windows, controller {o.Controller}, device {device}");
        stdout.WriteLine(task.Summary);
        Interruption.Resumable(outDir, search.CheckpointPath);
        if (r.Resume)
        {
            stdout.WriteLine(search.EpochsDone > 0
                ? $"resuming after epoch {search.EpochsDone} of {o.Epochs}"
                : "no checkpoint yet (the run stopped during its first epoch): starting from the beginning");
            folder.WriteText(RunFolder.ConfigFile, configJson); // what the run continues with
        }
        SearchRun.VerifyReplicas(world, task, search);
        search.EpochFinished += () =>
        {
            SearchRun.VerifyReplicas(world, task, search); // the ranks trained and scored the same: still identical
            if (folder.Writes) RunReports.Refresh(outDir, stdout);
        };
        SearchOutcome? stopped;
        using (Interruption.Cancellable()) stopped = search.Run(cancellation: Interruption.Token);
        var outcome = stopped ?? throw new InvalidOperationException("search stopped early");
        var best = outcome.Best;
        string? warning = outcome.Warning;
        Write(RunFolder.BestArchitectureJsonFile, ArchitectureJson.Serialize(task.Space, best.Architecture));
        Write(RunFolder.BestArchitectureTextFile,
            best.Architecture.ToOfficialString() + "\n" + task.Space.Describe(best.Architecture, o.CellOutput) + "\n" +
            (warning is null ? "" : "warning: " + warning + "\n"));
        Write("rnn-cell.svg", RnnCellDrawing.Svg(task.Space, best.Architecture, o.CellOutput));
        stdout.WriteLine($"search time {clock.Elapsed.TotalSeconds:F0} s; best cell: {best.Architecture.ToOfficialString()}");
        stdout.WriteLine(task.Space.Describe(best.Architecture, o.CellOutput));
        stdout.WriteLine($"shared-weight validation perplexity (search-time, NOT a final number): {best.Score:F1}");
        if (outcome.Check is { } check) stdout.WriteLine(check);
        if (warning is not null) stdout.WriteLine("warning: " + warning);
        if (r.Compare || r.RetrainEpochs > 0) TrainCell(task.Space, best.Architecture);
        if (folder.Writes) RunReports.Refresh(outDir, stdout);
        stdout.WriteLine($"outputs: {outDir} (report.html)");
        return 0;
    }

    private static void Report(RnnRetrainResult r, TextWriter stdout) =>
        stdout.WriteLine($"{r.Model}: {r.Parameters:N0} parameters, best validation perplexity {r.ValidPerplexity:F2} " +
                         $"(epoch {r.BestEpoch} of {r.Epochs.Count}), test ppl {r.TestPerplexity:F2} with those weights");
}
