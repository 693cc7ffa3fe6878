using System.Diagnostics;
using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Loop;

/// <summary>
/// The one ENAS search loop, for every <see cref="ISearchTask"/>: per epoch one pass of shared-weight training, then
/// one controller phase (<see cref="ControllerTrainer"/>), the task's metrics records and a checkpoint; then derive
/// (<see cref="Deriver"/>: the policy's candidates against uniform ones) and the task's finish. Resuming loads the last
/// checkpoint and continues with identical random streams, so on the CPU a resumed run ends exactly like an
/// uninterrupted one. A folder that does not write (<see cref="RunFolder.Replica"/>, rank &gt; 0 of a data-parallel run)
/// gets no metrics, truncation or checkpoint from the loop; it still reads the checkpoint to resume.
/// </summary>
public sealed class EnasSearch : IDisposable
{
    /// <summary>Checkpoint file name inside the run's checkpoints folder.</summary>
    public const string CheckpointName = "last.ckpt";

    private readonly ISearchTask _task;
    private readonly LoopOptions _o;
    private readonly RunFolder _folder;
    private readonly ProgressReporter _progress;
    private readonly IController _controller;
    private readonly Reinforce _reinforce;
    private SearchState _state;

    /// <summary>Sets up the controller and its optimiser for <paramref name="task"/> (and restores the checkpoint when
    /// the folder is resumed: a checkpoint of another format version or configuration is refused).</summary>
    public EnasSearch(ISearchTask task, LoopOptions options, RunFolder folder, ProgressReporter progress)
    {
        (_task, _o, _folder, _progress) = (task, options, folder, progress);
        var space = task.Space;
        _controller = options.Controller switch
        {
            "random" => new RandomController(space),
            "fixed" => new FixedController(space, new Architecture(space.Name, [.. options.FixedArchitecture!])),
            _ => new LstmController(space, options.ControllerSettings, task.ControllerSeed),
        };
        _reinforce = new Reinforce(_controller, options.ControllerSettings);
        _state = new SearchState { ConfigJson = task.Checkpoint.ConfigIdentity };
        if (folder.IsResumed)
        {
            if (File.Exists(CheckpointPath)) Restore();
            else if (folder.Writes) MetricsLog.TruncateTo(_folder.MetricsPath, 0); // interrupted before the first checkpoint: start over cleanly
        }
    }

    /// <summary>The controller.</summary>
    public IController Controller => _controller;

    /// <summary>Epochs already done (after a resume).</summary>
    public int EpochsDone => _state.EpochsDone;

    /// <summary>Path of the checkpoint.</summary>
    public string CheckpointPath => Path.Combine(_folder.CheckpointsPath, CheckpointName);

    /// <summary>Raised after each epoch's checkpoint is written (the CLI rewrites report.html then).</summary>
    public event Action? EpochFinished;

    /// <summary>Raised at the start of each phase (step 0) and after each of its steps: shared training, controller
    /// phase, derive. Runs on the loop's thread, before the next step starts.</summary>
    public event Action<LoopStep>? Stepped;

    private void Restore()
    {
        var streams = _task.Streams;
        _state = SearchCheckpoint.Load(CheckpointPath, _task.Checkpoint, _controller, _reinforce.Optimizer, stored =>
            _task.Checkpoint.Refusal(stored, CheckpointPath) ?? (_o.Epochs < stored.EpochsDone
                ? $"cannot resume with --epochs {_o.Epochs}: the run in {_folder.Path} has already trained " +
                  $"{stored.EpochsDone} epochs (give --epochs {stored.EpochsDone} or more)"
                : null));
        _state = _state with { ConfigJson = _task.Checkpoint.ConfigIdentity };
        _reinforce.Baseline = _state.Baseline;
        streams.Train.SetState(_state.TrainRng);
        streams.Controller.SetState(_state.ControllerRng);
        streams.Dropout.SetState(_state.DropoutRng);
        if (_folder.Writes) MetricsLog.TruncateTo(_folder.MetricsPath, _state.MetricsBytes);
    }

    /// <summary>Runs the remaining epochs, then derive. <paramref name="stopAfterEpochs"/> simulates an interruption (tests).
    /// <paramref name="cancellation"/> is checked at every step boundary (before each epoch, after each shared-training
    /// step, controller step and derive candidate): a cancelled run throws <see cref="OperationCanceledException"/>
    /// there, so no file is half-written and the last checkpoint is the one of the last finished epoch.</summary>
    public SearchOutcome? Run(int stopAfterEpochs = int.MaxValue, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var streams = _task.Streams;
        var uniform = new RandomController(_task.Space);
        var trainer = new ControllerTrainer(_controller, _reinforce, _task.Reward, _task.Processes);
        using var metrics = _folder.OpenMetrics();
        int firstEpoch = _state.EpochsDone;
        for (int epoch = firstEpoch; epoch < _o.Epochs; epoch++)
        {
            if (epoch >= stopAfterEpochs) return null;
            cancellation.ThrowIfCancellationRequested();
            var t0 = clock.Elapsed;
            bool warm = epoch < _o.WarmupEpochs;
            var sampler = warm ? uniform : _controller;
            var sharedSteps = StartPhase(LoopPhase.SharedTraining, epoch + 1, $"epoch {epoch + 1}/{_o.Epochs} shared weights",
                _task.StepsPerEpoch, cancellation);
            var shared = TrainShared(epoch, () => SampleChild(sampler, streams.Train), metrics, sharedSteps);
            var sharedTime = clock.Elapsed - t0;
            ControllerPhaseResult? phase = null;
            if (!warm)
            {
                var controllerSteps = StartPhase(LoopPhase.Controller, epoch + 1, $"epoch {epoch + 1}/{_o.Epochs} controller",
                    (_o.ControllerSamples + _o.ControllerAggregate - 1) / _o.ControllerAggregate, cancellation);
                phase = trainer.RunPhase(_o.ControllerSamples, _o.ControllerAggregate, streams.Controller, controllerSteps);
            }
            var report = new EpochReport(epoch + 1, _o.Epochs, _o.WarmupEpochs, phase, _controller, sharedTime,
                clock.Elapsed - t0 - sharedTime, clock.Elapsed);
            foreach (string line in shared.Write(metrics, report)) _progress.Message(line);
            _state = _task.Checkpoint.Save(_state with
            {
                EpochsDone = epoch + 1, Baseline = _reinforce.Baseline, ControllerSteps = _reinforce.Optimizer?.StepCount ?? 0,
                TrainRng = streams.Train.GetState(), ControllerRng = streams.Controller.GetState(),
                DropoutRng = streams.Dropout.GetState(), MetricsBytes = _folder.Writes ? new FileInfo(_folder.MetricsPath).Length : 0,
            });
            if (_folder.Writes) SearchCheckpoint.Save(CheckpointPath, _state, _task.Checkpoint, _controller, _reinforce.Optimizer);
            EpochFinished?.Invoke();
            // The first real epoch gives the user a second estimate, from the run's own steps.
            int left = _o.Epochs - epoch - 1;
            if (epoch == firstEpoch && left > 0)
                _progress.Message(ProgressReporter.RemainingEpochsLine(left, clock.Elapsed - t0, "derive"));
        }
        Action<int, int>? deriveSteps = null;
        var derive = Deriver.Run(_task, _controller, _o.DeriveSamples,
            (label, total) => deriveSteps = StartPhase(LoopPhase.Derive, null, label, total, cancellation),
            (i, total) => deriveSteps!(i, total));
        return _task.FinishDerive(derive, metrics, _progress, clock.Elapsed);
    }

    /// <summary>Starts a phase of <paramref name="total"/> steps on the progress line and for <see cref="Stepped"/>; the
    /// returned step callback checks <paramref name="cancellation"/> after each step, before the next one starts.</summary>
    private Action<int, int> StartPhase(LoopPhase phase, int? epoch, string label, int total, CancellationToken cancellation)
    {
        _progress.Start(label, total);
        Stepped?.Invoke(new LoopStep(phase, epoch, label, 0, total));
        return (step, _) =>
        {
            _progress.Report(step);
            Stepped?.Invoke(new LoopStep(phase, epoch, label, step, total));
            cancellation.ThrowIfCancellationRequested();
        };
    }

    /// <summary>The task's shared training of <paramref name="epoch"/>; when it has diverged, says what the folder kept.</summary>
    private IEpochLog TrainShared(int epoch, Func<Architecture> sample, MetricsLog metrics, Action<int, int> onStep)
    {
        try
        {
            return _task.TrainShared(epoch, sample, metrics, onStep);
        }
        catch (TrainingDivergedException e)
        {
            string kept = _state.EpochsDone > 0
                ? $"the checkpoint of epoch {_state.EpochsDone} ({CheckpointPath}) is left as it was, but resuming it with the same options would diverge again: start a new --out"
                : "no checkpoint was written (this was the first epoch)";
            throw new TrainingDivergedException($"{e.Message}. The search stopped without a result; {kept}");
        }
    }

    /// <summary>A child for shared training (no gradient into the controller).</summary>
    private static Architecture SampleChild(IController sampler, XoshiroRandom rng)
    {
        using (TensorScope.Begin())
        using (Tape.NoGrad())
            return sampler.Sample(rng).Architecture;
    }

    /// <summary>Frees the controller (the task is the caller's).</summary>
    public void Dispose() => _controller.Dispose();
}
