using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Api;

/// <summary>What a finished search found and wrote (the CLI prints the same).</summary>
/// <param name="Best">The derived architecture (plain data: space name and official tokens; <see cref="Architecture.ToString"/>
/// reads it).</param>
/// <param name="Description">Its readable genotype, one line per cell or layer.</param>
/// <param name="SharedWeightAccuracy">Its accuracy with the shared search weights on the derive batches: a search-time
/// number, not the accuracy of a trained model (<see cref="EnasSearchRunner.Retrain"/> gives that).</param>
/// <param name="PolicyVsUniform">The policy's samples against uniform ones on the same batches (null for a controller
/// that does not learn).</param>
/// <param name="Top">The policy's top candidates with their shared-weight accuracies, best first.</param>
/// <param name="SharedParameters">Shared parameters of the search.</param>
/// <param name="SearchTime">Wall time of this call's part of the search.</param>
/// <param name="RunFolder">The run folder (full path).</param>
/// <param name="BestArchitectureFile">best-architecture.json in it (what <see cref="EnasSearchRunner.LoadArchitecture"/>
/// and the CLI's <c>train --arch</c> read).</param>
/// <param name="Files">Every file in the run folder, relative to it, sorted.</param>
/// <param name="RetrainCommand">The CLI command that retrains <paramref name="Best"/> from scratch with the run's
/// retrain settings.</param>
public sealed record SearchResult(Architecture Best, string Description, double SharedWeightAccuracy, PolicyVsUniform? PolicyVsUniform,
    IReadOnlyList<TopCandidate> Top, long SharedParameters, TimeSpan SearchTime, string RunFolder, string BestArchitectureFile,
    IReadOnlyList<string> Files, string RetrainCommand);

/// <summary>A retraining from scratch for <see cref="EnasSearchRunner.Retrain"/>.</summary>
public sealed record RetrainRequest
{
    /// <summary>The architecture to train (e.g. <see cref="SearchResult.Best"/> or
    /// <see cref="EnasSearchRunner.LoadArchitecture"/>).</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>The data settings and <see cref="SearchOptions.Retrain"/> (epochs, width, depth, augmentation); the space
    /// and its size follow from <see cref="Architecture"/>.</summary>
    public SearchOptions Options { get; init; } = new();

    /// <summary>The run folder (new or empty); null makes <c>runs/train-UTCDATE-TIME</c>.</summary>
    public string? RunFolder { get; init; }

    /// <summary>Where the human-readable progress goes; null writes nothing.</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>A network trained from scratch.</summary>
/// <param name="TestAccuracy">Accuracy on the test set after the last epoch.</param>
/// <param name="TrainAccuracy">Running training accuracy of the last epoch (with augmentation and dropout).</param>
/// <param name="Parameters">Parameters of the network (aux head included).</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="ModelPath">model.ckpt: the weights the CLI's <c>eval</c> and <c>export --onnx</c> read.</param>
/// <param name="RunFolder">The run folder (full path).</param>
public sealed record RetrainOutcome(double TestAccuracy, double TrainAccuracy, long Parameters, int Epochs, string ModelPath, string RunFolder);
