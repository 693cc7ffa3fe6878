using System.Text.Json;
using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Loop;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>A CNN search whose data, run folder, task and loop are ready, before its first epoch.</summary>
/// <param name="Options">The resolved settings.</param>
/// <param name="Splits">The training and validation images.</param>
/// <param name="Task">The task (shared weights and batches).</param>
/// <param name="Search">The loop (restored from the checkpoint on resume).</param>
/// <param name="Folder">The run folder.</param>
/// <param name="Device">The device used.</param>
/// <param name="Estimate">The start-up estimate of the remaining time (null until measured, or when not asked).</param>
/// <param name="RetrainEstimate">The start-up estimate of the printed retraining's time (null as <paramref name="Estimate"/>).</param>
internal sealed record SearchRunStart(SearchOptions Options, DataSplits Splits, ImageClassificationTask Task, EnasSearch Search,
    RunFolder Folder, Device Device, SearchEstimate? Estimate = null, TimeSpan? RetrainEstimate = null);

/// <summary>What a finished CNN search found and where it wrote it.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Space">The space searched.</param>
/// <param name="Best">The derived architecture and its shared-weight accuracy.</param>
/// <param name="Summary">summary.json.</param>
/// <param name="RetrainCommand">The <c>train</c> command that retrains <paramref name="Best"/> from scratch.</param>
/// <param name="Device">The device used.</param>
/// <param name="RetrainTime">Expected wall time of <paramref name="RetrainCommand"/>, timed on <paramref name="Best"/>
/// (null when the run was not asked for estimates).</param>
internal sealed record SearchRunResult(RunFolder Folder, ISearchSpace Space, ScoredArchitecture Best, SearchSummary Summary,
    string RetrainCommand, Device Device, TimeSpan? RetrainTime = null);

/// <summary>Where a caller of <see cref="SearchRun"/> looks in (each optional; all run on the search's thread).</summary>
internal sealed class SearchRunHooks
{
    /// <summary>The folder and loop are ready (before the first report is written): the CLI prints its header.</summary>
    public Action<SearchRunStart>? Opened { get; init; }

    /// <summary>The loop is about to run (after the first report and the estimate, when asked).</summary>
    public Action<SearchRunStart>? Starting { get; init; }

    /// <summary>An epoch is checkpointed and report.html refreshed: the epochs done.</summary>
    public Action<int>? EpochFinished { get; init; }

    /// <summary>A loop phase started (step 0) or finished a step.</summary>
    public Action<LoopStep>? Stepped { get; init; }
}

/// <summary>
/// A CNN search from settings to files, with no console of its own: the one path of the command line's search and of
/// the library API (<c>Api.EnasSearchRunner</c>). It checks a resume, resolves the device, loads and splits the data
/// before anything is written, opens the run folder (config.json, classes.json), runs the loop (report.html after every
/// epoch), then writes the outputs (best-architecture.json/.txt, top-architectures.txt, summary.json, drawings, curves).
/// Under mpirun (<see cref="World"/>) every rank runs it: rank 0 opens and writes the folder, the others see it as a
/// <see cref="RunFolder.Replica"/>, and all check at the start that they hold identical replicas.
/// </summary>
internal static class SearchRun
{
    /// <summary>Runs the search of <paramref name="options"/> in <paramref name="outDir"/> (null: runs/SPACE-UTC).</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="outDir">The run folder: new or empty, or with <paramref name="resume"/> a run to continue.</param>
    /// <param name="resume">Continue the run in <paramref name="outDir"/> from its last checkpoint.</param>
    /// <param name="progress">The progress lines and the loop's epoch lines.</param>
    /// <param name="log">Warnings (a report that could not be written).</param>
    /// <param name="deviceLog">The device line (null: standard output, as the CLI always printed it).</param>
    /// <param name="estimate">Measure the start-up estimate (a few throwaway steps; no random stream is touched).</param>
    /// <param name="hooks">Callbacks.</param>
    /// <param name="cancellation">Checked at every step boundary of the loop (<see cref="EnasSearch.Run"/>).</param>
    public static SearchRunResult Execute(SearchOptions options, string? outDir, bool resume, ProgressReporter progress, TextWriter log,
        TextWriter? deviceLog, bool estimate, SearchRunHooks hooks, CancellationToken cancellation)
    {
        if (resume)
        {
            var differences = SearchResumeCheck.Differences(RunFolder.OpenForResume(outDir!).ReadConfig(), options);
            if (differences.Count > 0)
                throw new CliException($"cannot resume {outDir} with other training options ({string.Join("; ", differences)}). " +
                                       $"Leave them out to continue the run as it was; on resume only {SearchResumeCheck.MayChangeFlags} may change; " +
                                       "or start a new run with another --out");
        }
        var world = World.Communicator;
        var device = DeviceSelection.Resolve(options.Device, world.Rank == 0 ? deviceLog : TextWriter.Null, world.Rank);
        outDir ??= Path.Combine("runs", $"{options.Space}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        // Load and validate the data before anything is written.
        var splits = SearchAction.LoadSplits(options);
        var configJson = SearchAction.WithDeviceUsed(JsonSerializer.Serialize(options, SearchJsonContext.Default.SearchOptions), device.ToString());
        // Rank 0 writes the run; the other ranks of a data-parallel job read it (a resume) and write nothing.
        var folder = world.Rank == 0 ? RunFolder.Open(outDir, configJson, resume) : RunFolder.Replica(outDir, resume);
        folder.WriteText(RunFolder.ClassesFile, ClassesJson.Render(options.Dataset, splits.ClassNames, splits.Train, splits.Stats, splits.Folder));
        var (task, search) = SearchLoops.Image(options, splits, device, folder, progress);
        using var taskScope = task;
        using var searchScope = search;
        search.EpochFinished += () =>
        {
            VerifyReplicas(world, task, search); // the ranks trained and scored the same: still identical
            if (folder.Writes) RunReports.Refresh(folder.Path, log);
            hooks.EpochFinished?.Invoke(search.EpochsDone);
        };
        if (hooks.Stepped is { } stepped) search.Stepped += stepped;
        try { VerifyReplicas(world, task, search); }
        catch (CliException) when (!resume)
        {
            folder.RemoveIfNothingSaved(); // a job that cannot start leaves no run behind (rank 0; a replica has nothing)
            throw;
        }
        if (resume) folder.WriteText(RunFolder.ConfigFile, configJson); // checked against the checkpoint: what the run continues with
        var start = new SearchRunStart(options, splits, task, search, folder, device);
        hooks.Opened?.Invoke(start);
        if (folder.Writes) RunReports.Refresh(folder.Path, log);
        if (estimate)
            start = start with
            {
                Estimate = ImageSearchEstimate.Remaining(task, options, search.Controller, search.EpochsDone, device),
                RetrainEstimate = ImageSearchEstimate.Retrain(task, options, search.Controller, device),
            };
        hooks.Starting?.Invoke(start);
        SearchOutcome outcome;
        try { outcome = search.Run(cancellation: cancellation) ?? throw new InvalidOperationException("search stopped early"); }
        catch (NonFiniteLossException e) { throw SearchAction.Diverged(e.Message, folder, search.EpochsDone, options.Epochs); }
        var best = outcome.Best;
        var summary = outcome.Summary ?? throw new InvalidOperationException("an image classification search ends with a summary");
        if (folder.Writes)
        {
            RunOutputs.Write(folder, task.Space, best, summary);
            RunReports.Refresh(folder.Path, log);
        }
        // The printed retraining timed on the searched architecture itself (a few seconds; the start-up figure could
        // only time samples).
        TimeSpan? retrainTime = estimate ? ImageSearchEstimate.RetrainOf(task, options, [best.Architecture], device) : null;
        return new SearchRunResult(folder, task.Space, best, summary, SearchAction.RetrainCommand(options, folder), device, retrainTime);
    }

    /// <summary>Under mpirun, proves that every rank holds the same shared weights, optimiser state, controller and
    /// random generators as rank 0 (<see cref="ReplicaCheck"/>): at the start (or resume) and after every epoch.</summary>
    internal static void VerifyReplicas(ICommunicator world, ISearchTask task, EnasSearch search)
    {
        Replicas.Verify(world, () =>
        {
            var streams = task.Streams;
            var entries = task.Checkpoint.Weights().Concat(task.Checkpoint.OptimiserState())
                .Concat(ParameterEntries.Of("controller", search.Controller.Parameters));
            return ReplicaCheck.Hash(entries, streams.Train.GetState().Concat(streams.Controller.GetState()).Concat(streams.Dropout.GetState()));
        }, "shared weights, optimiser state, controller or random streams");
    }
}
