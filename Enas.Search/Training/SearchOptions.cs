using System.Text.Json;
using System.Text.Json.Serialization;
using Enas.Search.Controller;
using Enas.Search.Network;
using Enas.Search.Spaces;

namespace Enas.Search.Training;

/// <summary>
/// Every setting of a search (and of the retraining it suggests), bound from the CLI and written to the run folder as
/// <c>config.json</c>. Defaults are sized for a 2-core CPU; <see cref="Presets"/> has the paper's settings.
/// </summary>
public sealed record SearchOptions
{
    /// <summary>"micro" or "macro".</summary>
    public string Space { get; init; } = MicroSpace.SpaceName;
    /// <summary>Micro: computed nodes per cell (B).</summary>
    public int Nodes { get; init; } = 5;
    /// <summary>Micro: normal layers L (L+2 cells); macro: layers.</summary>
    public int Layers { get; init; } = 3;
    /// <summary>Base width C.</summary>
    public int Channels { get; init; } = 8;
    /// <summary>Search epochs.</summary>
    public int Epochs { get; init; } = 8;
    /// <summary>Child minibatch size (training, reward and derive).</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>"fashion-mnist" or "cifar10".</summary>
    public string Dataset { get; init; } = "fashion-mnist";
    /// <summary>Dataset folder (null: the dataset's default).</summary>
    public string? DataDir { get; init; }
    /// <summary><c>--dataset folder</c>: side of the square images (shorter side resized, centre cropped; null: the
    /// folder's one image size); left out of config.json when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ImageSize { get; init; }
    /// <summary><c>--dataset folder</c>: "skip" leaves unreadable images out, "fail" (null, left out of config.json)
    /// stops the load.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BadImages { get; init; }
    /// <summary>How an image folder is read (<see cref="ImageSize"/>, <see cref="BadImages"/>); throws
    /// <see cref="ArgumentException"/> naming a bad flag.</summary>
    public Data.ImageFolderOptions FolderOptions() => Data.ImageFolderOptions.FromFlags(ImageSize, BadImages);
    /// <summary>"auto", "cpu" or "cuda".</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Master seed.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>"enas" (LSTM policy), "random" (uniform baseline) or "fixed" (always <see cref="FixedArchitecture"/>).</summary>
    public string Controller { get; init; } = "enas";
    /// <summary>The one architecture a "fixed" controller samples (official tokens); left out of config.json when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? FixedArchitecture { get; init; }
    /// <summary>Training images used by the search (0: all remaining after the validation split).</summary>
    public int TrainSubset { get; init; } = 20000;
    /// <summary>Validation images held out of the training set (rewards and derive).</summary>
    public int ValidationSize { get; init; } = 2000;
    /// <summary>Controller steps per epoch.</summary>
    public int ControllerSteps { get; init; } = 10;
    /// <summary>Architectures sampled per controller step (gradients averaged).</summary>
    public int ControllerAggregate { get; init; } = 5;
    /// <summary>Child learning rate range and SGDR periods.</summary>
    public double LrMax { get; init; } = 0.05;
    /// <summary>Minimum child learning rate.</summary>
    public double LrMin { get; init; } = 0.0005;
    /// <summary>First SGDR period (epochs).</summary>
    public int LrT0 { get; init; } = 10;
    /// <summary>SGDR period multiplier.</summary>
    public int LrTMul { get; init; } = 2;
    /// <summary>L2 coefficient λ (loss += λ·Σw²).</summary>
    public double L2 { get; init; } = 1e-4;
    /// <summary>Child gradient-norm clip.</summary>
    public double GradClip { get; init; } = 5.0;
    /// <summary>Micro: auxiliary head during search.</summary>
    public bool AuxHead { get; init; }
    /// <summary>Auxiliary loss weight.</summary>
    public double AuxWeight { get; init; } = 0.4;
    /// <summary>Dropout keep before the classifier during search.</summary>
    public double DropoutKeep { get; init; } = 0.9;
    /// <summary>Controller settings (lr, tanh constant, ...).</summary>
    public ControllerOptions ControllerSettings { get; init; } = new();
    /// <summary>Architectures sampled by derive (K).</summary>
    public int DeriveSamples { get; init; } = 100;
    /// <summary>Validation batches every derive candidate is scored on (16 x 64 = 1,024 images by default: on 128, one
    /// architecture's accuracy had a binomial sd of about 4 points, as large as the spread between architectures).</summary>
    public int DeriveBatches { get; init; } = 16;
    /// <summary>Validation batches each controller reward is measured on (null: 1, the paper's one minibatch); left
    /// out of config.json when null, so runs started before it existed resume.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RewardBatches { get; init; }
    /// <summary>Epochs at the start in which every child is sampled uniformly and the controller is not trained, so
    /// it does not commit on the scores of barely trained shared weights (0: none; left out of config.json when 0).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ControllerWarmupEpochs { get; init; }
    /// <summary>Rank check after derive: architectures trained alone (0: off; left out of config.json when off).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int RankCheck { get; init; }
    /// <summary>Epochs each rank-check architecture trains alone (null: 2).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RankCheckEpochs { get; init; }
    /// <summary>After derive, retrain the searched, random, published and hand-made architectures and compare them
    /// (<c>--compare</c>; null: off, left out of config.json).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CompareOptions? Compare { get; init; }
    /// <summary>Retraining: epochs, width, layers, batch, L2, dropout keep, drop-path keep, cutout, aux head.</summary>
    public RetrainOptions Retrain { get; init; } = new();
    /// <summary>Macro: what a skip bit reads (<see cref="MacroSkipIndexing.StemFirst"/>), recorded so a macro run
    /// written before the authors' indexing is refused on resume; follows from <see cref="Space"/> (null, and left out
    /// of config.json, for the other spaces).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SkipIndexing => Space == MacroSpace.SpaceName ? MacroSkipIndexing.StemFirst : null;

    /// <summary>The search space.</summary>
    public ISearchSpace CreateSpace() => SearchSpaces.Create(Space, Space == MacroSpace.SpaceName ? Layers : Nodes);

    /// <summary>
    /// Whether derive also scores uniformly sampled architectures: for the policy-vs-uniform comparison of a learning
    /// controller, and as half of a rank check's pool (a random controller's own samples already are uniform).
    /// </summary>
    public bool ScoresUniform(bool controllerLearns) => controllerLearns || RankCheck > 0;

    /// <summary>Network sizes for the search children.</summary>
    public NetworkOptions SearchNetwork(int inputChannels, int imageSize, int classes) => new()
    {
        InputChannels = inputChannels, ImageSize = imageSize, Classes = classes, Channels = Channels,
        Layers = Layers, AuxHead = AuxHead && Space == MicroSpace.SpaceName, DropoutKeep = DropoutKeep,
    };

    /// <summary>Checks ranges and combinations; throws <see cref="SearchOptionsException"/> (an
    /// <see cref="ArgumentException"/>) naming the setting, its command-line flag and the allowed values.</summary>
    /// <exception cref="SearchOptionsException">A setting is out of range or does not fit another one.</exception>
    public void Validate()
    {
        static void Check(bool ok, string option, string message) { if (!ok) throw new SearchOptionsException(option, message); }
        Check(Space is MicroSpace.SpaceName or MacroSpace.SpaceName, nameof(Space), $"--space must be micro, macro or rnn, got '{Space}'");
        Check(Nodes is >= 1 and <= 16, nameof(Nodes), $"--cells must be 1..16, got {Nodes}");
        Check(Layers is >= 1 and <= 48, nameof(Layers), $"--layers must be 1..48, got {Layers}");
        Check(Channels is >= 2 and <= 1024, nameof(Channels), $"--channels must be 2..1024, got {Channels}");
        Check(Epochs >= 1, nameof(Epochs), $"--epochs must be >= 1, got {Epochs}");
        Check(BatchSize is >= 1 and <= 4096, nameof(BatchSize), $"--batch-size must be 1..4096, got {BatchSize}");
        Check(Controller is "enas" or "random" or "fixed", nameof(Controller), $"--controller must be enas, random or fixed, got '{Controller}'");
        Check((Controller == "fixed") == (FixedArchitecture is not null), nameof(FixedArchitecture),
            "--controller fixed needs --arch FILE (the architecture it trains), and --arch needs --controller fixed");
        Check(ValidationSize >= 1, nameof(ValidationSize), $"--validation-size must be >= 1, got {ValidationSize}");
        Check(TrainSubset >= 0, nameof(TrainSubset), $"--train-subset must be >= 0, got {TrainSubset}");
        Check(ControllerSteps >= 0 && ControllerAggregate >= 1, ControllerSteps < 0 ? nameof(ControllerSteps) : nameof(ControllerAggregate),
            "controller steps must be >= 0 and aggregate >= 1");
        Nested(nameof(ControllerSettings), ControllerSettings.Validate);
        Check(!ControllerSettings.PairedReward || ControllerAggregate >= 2, nameof(ControllerAggregate),
            "--controller-reward paired compares the samples of one step with each other: give --controller-aggregate 2 or more");
        Check(ControllerWarmupEpochs >= 0, nameof(ControllerWarmupEpochs), $"--controller-warmup must be >= 0, got {ControllerWarmupEpochs}");
        Check(ControllerWarmupEpochs == 0 || Controller == "enas", nameof(ControllerWarmupEpochs),
            "--controller-warmup delays training the LSTM controller: it needs --controller enas");
        Check(ControllerWarmupEpochs < Epochs, nameof(ControllerWarmupEpochs),
            $"--controller-warmup {ControllerWarmupEpochs} leaves no epoch of {Epochs} to train the controller in (use --controller random for a uniform search)");
        Check(DeriveSamples >= 1, nameof(DeriveSamples), $"--derive-samples must be >= 1, got {DeriveSamples}");
        Check(DeriveBatches >= 1, nameof(DeriveBatches), $"--derive-batches must be >= 1, got {DeriveBatches}");
        Check(RewardBatches is null or >= 1, nameof(RewardBatches), $"--reward-batches must be >= 1, got {RewardBatches}");
        Check(RankCheck is 0 or >= 3, nameof(RankCheck), $"--rank-check needs at least 3 architectures to correlate (0 = off), got {RankCheck}");
        Check(RankCheckEpochs is null or >= 1, nameof(RankCheckEpochs), $"--rank-check-epochs must be >= 1, got {RankCheckEpochs}");
        Check(RankCheckEpochs is null || RankCheck > 0, nameof(RankCheckEpochs), "--rank-check-epochs only applies with --rank-check K");
        Check(Compare is null || Compare.Seeds >= 1, nameof(Compare), $"--compare-seeds must be >= 1, got {Compare?.Seeds}");
        Check(Compare is null || Compare.RandomArchitectures >= 0, nameof(Compare), $"--compare-random must be >= 0, got {Compare?.RandomArchitectures}");
        Nested(nameof(ImageSize), () => Data.ImageFolderOptions.FromFlags(ImageSize, null));
        Nested(nameof(BadImages), () => Data.ImageFolderOptions.FromFlags(null, BadImages));
        Check(LrMax > 0 && LrMin >= 0 && LrMin <= LrMax, LrMax > 0 ? nameof(LrMin) : nameof(LrMax),
            "learning rates must satisfy 0 <= lr-min <= lr-max, lr-max > 0");
    }

    /// <summary>Runs a nested check that throws <see cref="ArgumentException"/>, as a <see cref="SearchOptionsException"/>
    /// naming <paramref name="option"/> (the message is kept as it is).</summary>
    private static void Nested(string option, Action check)
    {
        try { check(); }
        catch (ArgumentException e) when (e is not SearchOptionsException)
        {
            throw new SearchOptionsException(option, e.Message, e);
        }
    }
}

/// <summary>Settings of training one architecture from scratch.</summary>
public sealed record RetrainOptions
{
    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 8;
    /// <summary>Base width (0: the search width).</summary>
    public int Channels { get; init; } = 16;
    /// <summary>Micro normal layers (0: the search value).</summary>
    public int Layers { get; init; } = 3;
    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Learning rate range.</summary>
    public double LrMax { get; init; } = 0.05;
    /// <summary>Minimum learning rate.</summary>
    public double LrMin { get; init; } = 0.0001;
    /// <summary>L2 coefficient.</summary>
    public double L2 { get; init; } = 2e-4;
    /// <summary>Dropout keep before the classifier.</summary>
    public double DropoutKeep { get; init; } = 0.8;
    /// <summary>Micro drop-path keep probability (1: off).</summary>
    public double DropPathKeep { get; init; } = 0.6;
    /// <summary>Micro auxiliary head.</summary>
    public bool AuxHead { get; init; } = true;
    /// <summary>Cutout square side (0: off).</summary>
    public int Cutout { get; init; }
    /// <summary>Pad-and-crop padding (4 for 32×32 CIFAR, 2 suits 28×28).</summary>
    public int CropPadding { get; init; } = 2;
    /// <summary>Random horizontal flips.</summary>
    public bool Flip { get; init; } = true;
    /// <summary>Training images (0: the full training set).</summary>
    public int TrainSubset { get; init; }
    /// <summary>"search" (the search network trained alone) or "final" (the authors' final network; see
    /// <see cref="NetworkStyle.Final"/>).</summary>
    public string Network { get; init; } = "search";

    /// <summary><see cref="Network"/> as the network option; throws <see cref="ArgumentException"/> naming the flag.</summary>
    [JsonIgnore]
    public NetworkStyle NetworkStyle => Network switch
    {
        "search" => NetworkStyle.Search,
        "final" => NetworkStyle.Final,
        _ => throw new ArgumentException($"--network must be search or final, got '{Network}'"),
    };
}

/// <summary>Source-generated JSON for the configuration and checkpoint metadata.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SearchOptions))]
[JsonSerializable(typeof(SearchState))]
[JsonSerializable(typeof(RetrainState))]
[JsonSerializable(typeof(SearchSummary))]
internal sealed partial class SearchJsonContext : JsonSerializerContext
{
    /// <summary>For files written for people (summary.json): characters such as '+' are written as they are, not as
    /// \uXXXX escapes. (config.json and checkpoints keep <see cref="Default"/>, so their bytes do not change.)</summary>
    public static SearchJsonContext Readable => field ??= new(new JsonSerializerOptions(Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
