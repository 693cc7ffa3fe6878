namespace Enas.Search.Api;

/// <summary>What a running search reports (<see cref="EnasSearchRunner.Run"/>): <see cref="SearchStarted"/> once,
/// then <see cref="StepProgress"/> of each phase and <see cref="EpochCompleted"/> after each epoch's checkpoint.</summary>
public abstract record SearchProgress;

/// <summary>The phases of a search.</summary>
public enum SearchPhase
{
    /// <summary>Training the shared weights, one sampled child per minibatch.</summary>
    SharedTraining,

    /// <summary>Training the controller by REINFORCE on the children's validation accuracy.</summary>
    Controller,

    /// <summary>Scoring the policy's candidates (then as many uniform ones) with the shared weights.</summary>
    Derive,
}

/// <summary>The data, folder and loop are ready; the first remaining epoch starts next.</summary>
/// <param name="RunFolder">The run folder (full path).</param>
/// <param name="EpochsDone">Epochs already in the checkpoint (0 unless resumed).</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="StepsPerEpoch">Shared-training steps (minibatches) per epoch.</param>
/// <param name="TrainImages">Training images.</param>
/// <param name="ValidationImages">Validation images (rewards and derive).</param>
/// <param name="SharedParameters">Shared parameters.</param>
/// <param name="Device">The device used ("cpu", "cuda:0").</param>
/// <param name="ExpectedDuration">The measured estimate of the remaining time (null unless
/// <see cref="SearchRequest.EstimateDuration"/>).</param>
public sealed record SearchStarted(string RunFolder, int EpochsDone, int Epochs, int StepsPerEpoch, int TrainImages, int ValidationImages,
    long SharedParameters, string Device, TimeSpan? ExpectedDuration) : SearchProgress
{
    /// <summary>The measured estimate of the retraining the search suggests (<see cref="SearchResult"/>'s retrain
    /// settings, timed on sampled architectures at the retraining sizes; null unless
    /// <see cref="SearchRequest.EstimateDuration"/>).</summary>
    public TimeSpan? ExpectedRetrainDuration { get; init; }
}

/// <summary><paramref name="Step"/> of a phase's <paramref name="Total"/> steps are done (0: the phase starts).</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Epoch">1-based epoch (null for derive).</param>
/// <param name="Step">Steps done.</param>
/// <param name="Total">Steps of the phase.</param>
/// <param name="Label">What the CLI's progress line calls the phase.</param>
public sealed record StepProgress(SearchPhase Phase, int? Epoch, int Step, int Total, string Label) : SearchProgress;

/// <summary>An epoch is done and checkpointed (cancelling from here leaves it in the run folder), with the numbers
/// metrics.jsonl holds for it.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="LearningRate">The shared weights' learning rate.</param>
/// <param name="TrainLoss">Mean training loss of the sampled children.</param>
/// <param name="SharedWeightTrainAccuracy">Their mean training accuracy (search-time, shared weights).</param>
/// <param name="Controller">The controller phase (null in a warm-up epoch).</param>
/// <param name="SharedTrainingTime">Time of the shared training.</param>
public sealed record EpochCompleted(int Epoch, int Epochs, double LearningRate, double TrainLoss, double SharedWeightTrainAccuracy,
    ControllerEpoch? Controller, TimeSpan SharedTrainingTime) : SearchProgress;

/// <summary>An epoch's controller phase.</summary>
/// <param name="MeanReward">Mean reward (with the entropy bonus).</param>
/// <param name="SharedWeightValidAccuracy">Mean validation accuracy of the sampled children (shared weights).</param>
/// <param name="Entropy">Mean entropy of the policy's samples.</param>
/// <param name="Baseline">The REINFORCE baseline after the phase.</param>
/// <param name="Time">Time of the phase.</param>
public sealed record ControllerEpoch(double MeanReward, double SharedWeightValidAccuracy, double Entropy, double Baseline, TimeSpan Time);
