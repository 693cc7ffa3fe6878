using System.Diagnostics;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Tasks;

namespace Enas.Search.Cli;

/// <summary>
/// Runs a recurrent-cell search (then retrains the derived cell), or trains a given cell or the LSTM baseline, and
/// prints validation and test perplexities. Writes best-architecture.json/.txt, rnn-cell.svg and metrics.jsonl into
/// the output folder; the search checkpoints after every epoch (checkpoints/last.ckpt) and <c>--resume</c> continues it.
/// </summary>
internal static class RnnCliAction
{
    public static int Run(RnnCliRequest r, TextWriter stdout, bool? live = null)
    {
        var o = r.Options;
        if (r.Resume && r.Out is null) throw new CliException("--resume needs --out pointing at the run to continue");
        if (r.Resume && (r.Cell ?? r.Baseline) is not null)
            throw new CliException($"cannot resume {r.Out}: it trained {(r.Cell is not null ? "a given cell (--cell)" : "the LSTM baseline")} " +
                                       "from scratch, which keeps no checkpoint; run it again with another --out");
        // First, as the CNN search does: --device cuda without a GPU stops here, before data is read or anything written.
        var device = DeviceSelection.Resolve(r.Device, stdout);
        // A bad --cell stops before data is read or a run folder made.
        var given = r.Cell is null ? ((RnnSpace Space, Architecture Arch)?)null : RnnCellArgument.Resolve(r.Cell, r.NodesGiven, o.FirstNodeTanh);
        var corpus = r.Dataset == "ptb-mini" ? WordCorpus.LoadMini(r.DataDir) : WordCorpus.Load(r.DataDir);
        stdout.WriteLine($"{corpus.Description}: vocabulary {corpus.Vocabulary.Count:N0}, tokens train {corpus.Train.Length:N0} / " +
                         $"valid {corpus.Valid.Length:N0} / test {corpus.Test.Length:N0}");
        // As the CNN search: a new run needs a new or empty folder and records its configuration there; a resume
        // needs a run (and creates nothing when there is none).
        string configJson = RnnRunConfig.Of(r, device.ToString()).ToJson();
        var folder = r.Resume
            ? RunFolder.OpenForResume(r.Out!, checkpointSuffices: true)
            : RunFolder.Create(r.Out ?? Path.Combine("runs", $"rnn-{DateTime.UtcNow:yyyyMMdd-HHmmss}"), configJson, checkpoints: given is null && r.Baseline is null);
        string outDir = folder.Path;
        void Log(string line) => stdout.WriteLine(line);
        // The searched or given cell trained from scratch: alone, or next to a random cell and the LSTM (--compare).
        void TrainCell(RnnSpace space, Architecture arch)
        {
            if (r.Compare) new RnnComparison(outDir, device).Run(space, arch, corpus, o, r.RetrainEpochs, Log, r.CompareSeeds);
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
            AtomicFile.WriteAllText(Path.Combine(outDir, "rnn-cell.svg"), RnnCellDrawing.Svg(space, arch, o.CellOutput));
            TrainCell(space, arch);
            return 0;
        }

        var clock = Stopwatch.StartNew();
        using var search = new RnnSearch(o, corpus, device);
        stdout.WriteLine($"ENAS rnn search: {o.Nodes} nodes, hidden {o.Hidden}, batch {o.BatchSize}, BPTT {o.Bptt}, " +
                         $"{o.Epochs} epochs x {search.WindowsPerEpoch} windows, controller {o.Controller}, device {device}");
        stdout.WriteLine(search.Summary);
        string checkpoint = Path.Combine(outDir, RunFolder.CheckpointsFolder, "last.ckpt");
        string metricsPath = Path.Combine(outDir, RunFolder.MetricsFile);
        Interruption.Resumable(outDir, checkpoint);
        if (r.Resume && File.Exists(checkpoint))
        {
            MetricsLog.TruncateTo(metricsPath, search.LoadCheckpoint(checkpoint)); // refuses other training options
            stdout.WriteLine($"resuming after epoch {search.EpochsDone} of {o.Epochs}");
        }
        else if (r.Resume)
        {
            MetricsLog.TruncateTo(metricsPath, 0); // interrupted before the first checkpoint: start over cleanly
            stdout.WriteLine("no checkpoint yet (the run stopped during its first epoch): starting from the beginning");
        }
        if (r.Resume) folder.WriteText(RunFolder.ConfigFile, configJson); // what the run continues with
        using (var metrics = MetricsLog.Open(metricsPath, resume: r.Resume))
        using (var progress = new ProgressReporter(stdout, live))
        {
            int firstEpoch = search.EpochsDone;
            for (int e = firstEpoch; e < o.Epochs; e++)
            {
                progress.Start($"epoch {e + 1}/{o.Epochs} shared training", search.WindowsPerEpoch);
                var epochClock = Stopwatch.StartNew();
                var ep = RunEpochOrStop(search, o, metrics, checkpoint, progress);
                (string, object?)[] fields =
                [
                    ("epoch", ep.Epoch), ("lr", ep.LearningRate), ("train_loss", ep.Shared.Loss),
                    ("tokens_per_second", ep.Shared.TokensPerSecond), ("diverged_windows", ep.Shared.Diverged), ("reward", ep.MeanReward),
                    ("shared_weight_valid_ppl", ep.MeanSharedWeightValidPerplexity), ("entropy", ep.MeanEntropy),
                    ("baseline", ep.Baseline), ("greedy_cell", ep.GreedyCell), ("seconds", clock.Elapsed.TotalSeconds),
                ];
                string? unstable = ep.Verdict == RnnHealthVerdict.Unstable
                    ? $"shared training unstable in {search.Health[^1]}: {search.LastHealthReason}, so it may be diverging; {RnnTrainingHealth.Advice(o)}"
                    : null;
                metrics.Write("epoch", unstable is null ? fields : [.. fields, ("warning", unstable)]);
                progress.Message($"epoch {ep.Epoch}/{o.Epochs}: lr {ep.LearningRate:G3}, train loss {ep.Shared.Loss:F3} " +
                                 $"({ep.Shared.TokensPerSecond:F0} tokens/s{(ep.Shared.Diverged > 0 ? $", {ep.Shared.Diverged} windows skipped: non-finite" : "")}), controller reward {ep.MeanReward:F3}, " +
                                 $"shared-weight valid ppl {ep.MeanSharedWeightValidPerplexity:F1}, entropy {ep.MeanEntropy:F2}; " +
                                 $"most likely cell {ep.GreedyCell}");
                if (unstable is not null) progress.Message("warning: " + unstable);
                search.SaveCheckpoint(checkpoint, new FileInfo(metricsPath).Length);
                if (e == firstEpoch && e + 1 < o.Epochs)
                    progress.Message(ProgressReporter.RemainingEpochsLine(o.Epochs - e - 1, epochClock.Elapsed, "derive and retraining"));
            }
            var ranked = search.Derive();
            var best = ranked[0];
            var check = search.CompareWithUniform(ranked);
            if (check is not null)
                metrics.Write("policy_vs_uniform", check.MetricsFields());
            if (o.DeriveTrainTop > 0) best = ChooseByTraining(search.Space, ranked, corpus, o, device, metrics, stdout);
            string? warning = RnnTrainingHealth.ResultWarning(search.UnstableEpochs, o);
            (string, object?)[] derived =
            [
                ("candidates", ranked.Count), ("best", best.Architecture.ToOfficialString()),
                ("shared_weight_valid_ppl", best.SharedWeightValidPerplexity), ("seconds", clock.Elapsed.TotalSeconds),
            ];
            metrics.Write("derive", warning is null ? derived : [.. derived, ("warning", warning)]);
            AtomicFile.WriteAllText(Path.Combine(outDir, RunFolder.BestArchitectureJsonFile),
                ArchitectureJson.Serialize(search.Space, best.Architecture));
            AtomicFile.WriteAllText(Path.Combine(outDir, RunFolder.BestArchitectureTextFile),
                best.Architecture.ToOfficialString() + "\n" + search.Space.Describe(best.Architecture, o.CellOutput) + "\n" +
                (warning is null ? "" : "warning: " + warning + "\n"));
            AtomicFile.WriteAllText(Path.Combine(outDir, "rnn-cell.svg"), RnnCellDrawing.Svg(search.Space, best.Architecture, o.CellOutput));
            stdout.WriteLine($"search time {clock.Elapsed.TotalSeconds:F0} s; best cell: {best.Architecture.ToOfficialString()}");
            stdout.WriteLine(search.Space.Describe(best.Architecture, o.CellOutput));
            stdout.WriteLine($"shared-weight validation perplexity (search-time, NOT a final number): {best.SharedWeightValidPerplexity:F1}");
            if (check is not null) stdout.WriteLine(check);
            if (warning is not null) stdout.WriteLine("warning: " + warning);
            if (r.Compare || r.RetrainEpochs > 0) TrainCell(search.Space, best.Architecture);
        }
        stdout.WriteLine($"outputs: {outDir}");
        return 0;
    }

    /// <summary>Runs the search's next epoch; when its shared training has diverged, logs a "diverged" metrics record and
    /// stops with what is left on disk (the last checkpoint, of the epoch before, is not touched).</summary>
    private static RnnSearchEpoch RunEpochOrStop(RnnSearch search, RnnSearchOptions o, MetricsLog metrics, string checkpoint,
        ProgressReporter progress)
    {
        try
        {
            return search.RunEpoch((w, _) => progress.Report(w));
        }
        catch (Training.TrainingDivergedException e)
        {
            var h = search.Health[^1];
            metrics.Write("diverged", ("epoch", h.Epoch), ("train_loss", h.TrainLoss), ("diverged_windows", h.Skipped),
                ("windows", h.Windows), ("reason", search.LastHealthReason));
            string kept = search.EpochsDone > 0
                ? $"the checkpoint of epoch {search.EpochsDone} ({checkpoint}) is left as it was, but resuming it with the same options would diverge again: start a new --out"
                : "no checkpoint was written (this was the first epoch)";
            throw new Training.TrainingDivergedException($"{e.Message}. The search stopped without a result; {kept}");
        }
    }

    /// <summary>--derive-train: trains the best shared-weight candidates briefly from scratch, logs each trial to the
    /// metrics, prints the ranking and returns the winner.</summary>
    private static RnnCandidate ChooseByTraining(RnnSpace space, IReadOnlyList<RnnCandidate> ranked, WordCorpus corpus,
        RnnSearchOptions o, Engine.Device? device, MetricsLog metrics, TextWriter stdout)
    {
        var trials = RnnDeriveTrials.Run(space, ranked, o.DeriveTrainTop, o.DeriveTrainEpochs, corpus, o, stdout.WriteLine, device);
        stdout.WriteLine($"derive by training ({o.DeriveTrainEpochs} epochs from scratch each; validation perplexity, NOT final numbers):");
        foreach (var t in trials)
        {
            string cell = t.Candidate.Architecture.ToOfficialString();
            metrics.Write("derive_trial", ("cell", cell), ("shared_weight_valid_ppl", t.Candidate.SharedWeightValidPerplexity),
                ("trial_valid_ppl", t.TrialValidPerplexity), ("trial_best_epoch", t.BestEpoch), ("epochs", o.DeriveTrainEpochs));
            stdout.WriteLine($"  [{cell}]: shared-weight ppl {t.Candidate.SharedWeightValidPerplexity:F1}, trained {t.TrialValidPerplexity:F1}");
        }
        return trials[0].Candidate;
    }

    private static void Report(RnnRetrainResult r, TextWriter stdout) =>
        stdout.WriteLine($"{r.Model}: {r.Parameters:N0} parameters, best validation perplexity {r.ValidPerplexity:F2} " +
                         $"(epoch {r.BestEpoch} of {r.Epochs.Count}), test ppl {r.TestPerplexity:F2} with those weights");
}
