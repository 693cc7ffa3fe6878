using System.Diagnostics;
using Enas.Search.Cli;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Api;

/// <summary>
/// Runs Enas from other .NET code: a CNN search (settings in, <see cref="SearchResult"/> out, <see cref="SearchProgress"/>
/// reports, cancellation), retraining an architecture from scratch, and reading architectures and run settings. It is
/// the command line's own path (the same run folder, files and numbers: on the CPU a search with the same settings and
/// seed ends with the same architecture as <c>enas</c>), without its console: nothing is written to the console unless
/// a <see cref="SearchRequest.Log"/> is given. One search runs at a time per process (the engine's tape is per thread,
/// but the CPU kernels share one worker pool).
/// </summary>
public static class EnasSearchRunner
{
    /// <summary>Runs the search of <paramref name="request"/> on the calling thread.</summary>
    /// <param name="request">The settings and run folder.</param>
    /// <param name="progress">Gets the reports on the search's thread, in order, as they happen (a
    /// <see cref="Progress{T}"/> posts them to its context instead); null: none.</param>
    /// <param name="cancellationToken">Stops the search at its next step boundary (a shared-training step, a
    /// controller step or a derive candidate; a rank check runs to its end): the run folder keeps the checkpoint of the
    /// last finished epoch and every file complete, and a request with <see cref="SearchRequest.Resume"/> continues it
    /// (as does the CLI's <c>--resume --out DIR</c>), ending as an uninterrupted run would on the CPU.</param>
    /// <returns>The derived architecture and what was written.</returns>
    /// <exception cref="SearchOptionsException">A setting is out of range or does not fit another one (nothing is
    /// read or written).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="RunFolderException">The run folder is not new or empty (or, to resume, not a run).</exception>
    /// <exception cref="Data.DatasetException">The data is missing or corrupt.</exception>
    /// <exception cref="InvalidOperationException">The run cannot go ahead as asked: a resume with other training
    /// settings, a CUDA device that is not there, a validation split that leaves no training images.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public static SearchResult Run(SearchRequest request, IProgress<SearchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options ?? throw new ArgumentException("the request has no Options", nameof(request));
        if (options.Space == RnnSpace.SpaceName)
            throw new SearchOptionsException(nameof(SearchOptions.Space),
                "the library API runs the CNN search (Space micro or macro); the recurrent search (rnn) runs from the command line");
        options.Validate();
        if (request.Resume && request.RunFolder is null)
            throw new ArgumentException("Resume needs RunFolder: the run to continue", nameof(request));
        cancellationToken.ThrowIfCancellationRequested();
        var log = request.Log ?? TextWriter.Null;
        var clock = Stopwatch.StartNew();
        var hooks = progress is null ? new SearchRunHooks() : new ProgressForwarder(progress, request.StepInterval).Hooks();
        using var reporter = new ProgressReporter(log, live: false);
        var r = Translated(() => SearchRun.Execute(options, request.RunFolder, request.Resume, reporter, log, log,
            request.EstimateDuration, hooks, cancellationToken));
        string folder = r.Folder.Path;
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToList();
        return new SearchResult(r.Best.Architecture, r.Space.Describe(r.Best.Architecture), r.Best.Score, r.Summary.PolicyVsUniform,
            r.Summary.Top, r.Summary.SharedParameters, clock.Elapsed, folder, r.Folder.BestArchitectureJsonPath, files, r.RetrainCommand);
    }

    /// <summary>Runs <see cref="Run"/> on a thread of its own (the search is compute-bound and synchronous).</summary>
    /// <param name="request">The settings and run folder.</param>
    /// <param name="progress">Gets the reports on the search's thread (see <see cref="Run"/>).</param>
    /// <param name="cancellationToken">Stops the search at its next step boundary (see <see cref="Run"/>); the task
    /// then faults with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The task of the search.</returns>
    public static Task<SearchResult> RunAsync(SearchRequest request, IProgress<SearchProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(() => Run(request, progress, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>The settings the search in <paramref name="runFolder"/> was started with (its config.json): what a
    /// <see cref="SearchRequest"/> with <see cref="SearchRequest.Resume"/> continues with.</summary>
    /// <exception cref="RunFolderException">The folder is not a run.</exception>
    /// <exception cref="InvalidDataException">Its config.json cannot be read as search settings.</exception>
    public static SearchOptions ReadOptions(string runFolder)
    {
        var folder = RunFolder.OpenForResume(runFolder);
        try { return SearchAction.StoredOptions(folder.ReadConfig(), folder.ConfigPath); }
        catch (CliException e) { throw new InvalidDataException(e.Message, e); }
    }

    /// <summary>Reads an architecture: a search's best-architecture.json or .txt, a JSON or text file holding an official
    /// ENAS integer string, or that string itself (the CLI's <c>--arch</c>).</summary>
    /// <param name="pathOrOfficialString">The file, or the integer string.</param>
    /// <param name="space">"micro" or "macro" where the string's length fits both; null: inferred.</param>
    /// <exception cref="InvalidArchitectureException">The tokens are not an architecture of the space.</exception>
    /// <exception cref="ArgumentException">The text is neither a readable file nor an integer string, or its space is
    /// ambiguous.</exception>
    public static Architecture LoadArchitecture(string pathOrOfficialString, string? space = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrOfficialString);
        try { return ArchitectureArgument.Read(pathOrOfficialString, space).Architecture; }
        catch (CliException e) { throw new ArgumentException(e.Message, nameof(pathOrOfficialString), e); }
    }

    /// <summary>Trains <see cref="RetrainRequest.Architecture"/> from scratch with fresh weights (the CLI's
    /// <c>train</c>: a checkpoint after every epoch, model.ckpt, curves and report.html in the run folder) and measures
    /// its test accuracy.</summary>
    /// <exception cref="SearchOptionsException">A setting is out of range.</exception>
    /// <exception cref="InvalidArchitectureException">The architecture is not one of its space.</exception>
    /// <exception cref="RunFolderException">The run folder is not new or empty.</exception>
    /// <exception cref="Data.DatasetException">The data is missing or corrupt.</exception>
    public static RetrainOutcome Retrain(RetrainRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var arch = request.Architecture ?? throw new ArgumentException("the request has no Architecture", nameof(request));
        var space = SearchSpaces.ForTokens(arch.SpaceName, arch.Tokens.Length)
                    ?? throw new InvalidArchitectureException($"no {arch.SpaceName} space has architectures of {arch.Tokens.Length} tokens");
        space.Validate(arch);
        var options = request.Options with
        {
            Space = space.Name, Nodes = space is MicroSpace m ? m.Nodes : request.Options.Nodes,
            Layers = space is MacroSpace macro ? macro.Layers : request.Options.Layers,
        };
        options.Validate();
        var log = request.Log ?? TextWriter.Null;
        string outDir = Path.GetFullPath(request.RunFolder ?? Path.Combine("runs", $"train-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        Translated(() => TrainAction.Train(options, arch.ToOfficialString(), outDir, log, live: false, deviceLog: log));
        var state = RetrainSession.ReadState(Path.Combine(outDir, RunFolder.CheckpointsFolder, TrainAction.CheckpointName));
        return new RetrainOutcome(state.TestAccuracy, state.TrainAccuracy, state.Parameters, state.EpochsDone,
            Path.Combine(outDir, TrainAction.ModelFile), outDir);
    }

    /// <summary>The CLI's user errors as the exception a library caller expects.</summary>
    private static T Translated<T>(Func<T> run)
    {
        try { return run(); }
        catch (CliException e) { throw new InvalidOperationException(e.Message, e); }
    }
}
