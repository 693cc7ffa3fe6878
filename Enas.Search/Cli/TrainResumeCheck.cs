using System.Text.Json;
using Enas.Search.Reporting;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>
/// Whether <c>train --resume</c> may continue a run with the options given now. Every option must equal the run's
/// (each difference is named with its flag), except <c>--epochs</c>: fewer than the epochs already trained is refused,
/// and another total only where the epochs already trained are exactly what a run started with the new total trains
/// (the learning-rate schedule and drop-path do not depend on the total; see
/// <see cref="RetrainSession.EpochChangeProblem"/>). Before the first checkpoint nothing is trained, so the total may change.
/// </summary>
internal static class TrainResumeCheck
{
    private static readonly HashSet<string> MayChange = ["retrain.epochs"];

    /// <summary>Throws a <see cref="CliException"/> naming what keeps <paramref name="now"/> from continuing the run in
    /// <paramref name="folder"/> (its config.json, and the checkpoint's state when there is one).</summary>
    public static void Refuse(RunFolder folder, SearchOptions now, RetrainState? state, bool annealsDropPath)
    {
        var differences = SearchResumeCheck.Differences(folder.ReadConfig(), now, MayChange, FlagOf).ToList();
        if (state is not null)
            differences.AddRange(SearchResumeCheck.Differences(state.ConfigJson, now, MayChange, FlagOf).Except(differences));
        if (differences.Count > 0)
            throw new CliException($"cannot resume {folder.Path} with other training options ({string.Join("; ", differences)}). " +
                                   "Leave them out to continue the run as it was (on resume only --epochs may change, where the " +
                                   "schedule allows), or start a new run with another --out");
        if (state is null) return;
        int done = state.EpochsDone, epochs = now.Retrain.Epochs;
        if (epochs < done)
            throw new CliException($"cannot resume with --epochs {epochs}: the run in {folder.Path} has already trained " +
                                   $"{ProgressReporter.Count(done, "epoch")} (give --epochs {done} or more)");
        int trainedFor = TrainedEpochs(state);
        if (RetrainSession.EpochChangeProblem(trainedFor, epochs, annealsDropPath) is { } problem)
            throw new CliException($"cannot change --epochs from {trainedFor} to {epochs} on resume: {problem}. Resume without " +
                                   $"--epochs to finish the {trainedFor}, or train again with another --out");
    }

    /// <summary>The total epochs the checkpointed epochs were trained for.</summary>
    private static int TrainedEpochs(RetrainState state)
    {
        try
        {
            return JsonSerializer.Deserialize(state.ConfigJson, SearchJsonContext.Default.SearchOptions)?.Retrain.Epochs
                   ?? throw new CliException("the train checkpoint holds no configuration");
        }
        catch (JsonException e)
        {
            throw new CliException($"the train checkpoint's configuration is not readable ({e.Message})");
        }
    }

    /// <summary>train's flag of a configuration field (where it is not the search's).</summary>
    private static string? FlagOf(string field) => field switch
    {
        "retrain.epochs" => "--epochs",
        "retrain.channels" => "--channels",
        "retrain.layers" => "--layers",
        "retrain.batchSize" => "--batch-size",
        "retrain.cutout" => "--cutout",
        "retrain.network" => "--network",
        "retrain.trainSubset" => "--train-subset",
        _ => null,
    };
}
