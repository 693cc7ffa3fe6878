using System.Diagnostics;
using System.Text.Json.Nodes;
using Enas.Search.Cli;
using Enas.Search.Loop;
using Enas.Search.Reporting;

namespace Enas.Search.Api;

/// <summary>Turns the search's hooks into <see cref="SearchProgress"/> reports: steps at most every
/// <paramref name="interval"/> (a phase's first and last always), and each epoch's numbers from its metrics.jsonl
/// records (the numbers the run folder keeps).</summary>
internal sealed class ProgressForwarder(IProgress<SearchProgress> sink, TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastStep;
    private string _metricsPath = "";
    private int _epochs;

    /// <summary>The hooks that report to the sink.</summary>
    public SearchRunHooks Hooks() => new()
    {
        Opened = s => (_metricsPath, _epochs) = (s.Folder.MetricsPath, s.Options.Epochs),
        Starting = s => sink.Report(new SearchStarted(s.Folder.Path, s.Search.EpochsDone, s.Options.Epochs, s.Task.StepsPerEpoch,
            s.Splits.Train.Count, s.Splits.Validation.Count, s.Task.SharedParameterCount, s.Device.ToString(), s.Estimate?.Total)
        {
            ExpectedRetrainDuration = s.RetrainEstimate,
        }),
        Stepped = Step,
        EpochFinished = Epoch,
    };

    private void Step(LoopStep s)
    {
        var now = _clock.Elapsed;
        bool edge = s.Step == 0 || s.Step >= s.Total;
        if (!edge && _lastStep is { } last && now - last < interval) return;
        _lastStep = now;
        var phase = s.Phase switch
        {
            LoopPhase.SharedTraining => SearchPhase.SharedTraining,
            LoopPhase.Controller => SearchPhase.Controller,
            _ => SearchPhase.Derive,
        };
        sink.Report(new StepProgress(phase, s.Epoch, s.Step, s.Total, s.Label));
    }

    private void Epoch(int epoch)
    {
        var records = MetricsLog.ReadAll(_metricsPath).Where(r => Number(r["epoch"]) == epoch).ToList();
        var shared = records.LastOrDefault(r => (string?)r["kind"] == "epoch")
                     ?? throw new InvalidDataException($"{_metricsPath} has no epoch record for epoch {epoch}");
        var controller = records.LastOrDefault(r => (string?)r["kind"] == "controller");
        var phase = controller is null
            ? null
            : new ControllerEpoch(Number(controller["reward"]), Number(controller["shared_weight_valid_accuracy"]), Number(controller["entropy"]),
                Number(controller["baseline"]), TimeSpan.FromSeconds(Number(controller["seconds"])));
        sink.Report(new EpochCompleted(epoch, _epochs, Number(shared["lr"]), Number(shared["train_loss"]),
            Number(shared["shared_weight_train_accuracy"]), phase, TimeSpan.FromSeconds(Number(shared["seconds"]))));
    }

    /// <summary>A metrics number (non-finite ones are written as strings).</summary>
    private static double Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out double d) => d,
        JsonValue v when v.TryGetValue(out string? s) => s switch
        {
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => double.NaN,
        },
        _ => double.NaN,
    };
}
