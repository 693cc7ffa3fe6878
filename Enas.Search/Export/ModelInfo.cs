using System.Text.Json;
using System.Text.Json.Serialization;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Spaces;

namespace Enas.Search.Export;

/// <summary>
/// What a trained model is, written by <c>train</c> into its model.ckpt metadata so the file describes itself: the
/// architecture, the network's sizes, the per-channel normalisation the data pipeline applied, and the class names
/// when the dataset has them. <c>export</c> needs nothing else.
/// </summary>
public sealed record ModelInfo
{
    /// <summary>The value of <see cref="Kind"/> that marks model metadata.</summary>
    public const string ModelKind = "model";

    /// <summary><see cref="ModelKind"/>; empty in other metadata (an older model.ckpt holds "{}").</summary>
    public string Kind { get; init; } = "";
    /// <summary>Format version.</summary>
    public int Version { get; init; } = 1;
    /// <summary>The architecture as <see cref="ArchitectureJson"/> writes it (space, size, tokens, skip indexing).</summary>
    public string ArchitectureJson { get; init; } = "";
    /// <summary>Image channels C of the input [N, C, H, W].</summary>
    public int InputChannels { get; init; }
    /// <summary>Image height and width.</summary>
    public int ImageSize { get; init; }
    /// <summary>Number of classes (the logits' width).</summary>
    public int Classes { get; init; }
    /// <summary>Base width C.</summary>
    public int Channels { get; init; }
    /// <summary>Micro: normal layers L.</summary>
    public int Layers { get; init; }
    /// <summary>Macro: whether the width doubles at reductions.</summary>
    public bool DoubleAtReductions { get; init; }
    /// <summary>"search" or "final".</summary>
    public string Network { get; init; } = "search";
    /// <summary>The dataset trained on.</summary>
    public string Dataset { get; init; } = "";
    /// <summary>Per-channel mean subtracted from pixels in [0, 1].</summary>
    public float[] Mean { get; init; } = [];
    /// <summary>Per-channel standard deviation the centred pixels are divided by.</summary>
    public float[] Std { get; init; } = [];
    /// <summary>The class names in label order, when known.</summary>
    public string[]? ClassNames { get; init; }

    /// <summary>The description of a model of <paramref name="architecture"/> built with <paramref name="network"/>
    /// on <paramref name="dataset"/> whose pixels were normalised with <paramref name="stats"/>; the class names are
    /// kept only when there is one per class.</summary>
    public static ModelInfo Create(ISearchSpace space, Architecture architecture, NetworkOptions network, string dataset,
        ChannelStats stats, IReadOnlyList<string>? classNames) => new()
    {
        Kind = ModelKind,
        ArchitectureJson = Spaces.ArchitectureJson.Serialize(space, architecture),
        InputChannels = network.InputChannels, ImageSize = network.ImageSize, Classes = network.Classes,
        Channels = network.Channels, Layers = network.Layers, DoubleAtReductions = network.DoubleAtReductions,
        Network = network.Style == NetworkStyle.Final ? "final" : "search",
        Dataset = dataset, Mean = stats.Mean, Std = stats.Std,
        ClassNames = classNames is { Count: > 0 } && classNames.Count == network.Classes ? [.. classNames] : null,
    };

    /// <summary>The class names of a built-in dataset (null for others).</summary>
    public static IReadOnlyList<string>? KnownClassNames(string dataset) => dataset switch
    {
        Datasets.FashionMnistName => FashionMnist.ClassNames,
        Datasets.Cifar10Name => Cifar10.ClassNames,
        _ => null,
    };

    /// <summary>The network as it runs at inference (no auxiliary head, drop-path or dropout).</summary>
    public NetworkOptions ToNetworkOptions() => new()
    {
        InputChannels = InputChannels, ImageSize = ImageSize, Classes = Classes, Channels = Channels, Layers = Layers,
        DoubleAtReductions = DoubleAtReductions, Style = Network == "final" ? NetworkStyle.Final : NetworkStyle.Search,
        AuxHead = false, DropPathKeep = 1, DropoutKeep = 1,
    };

    /// <summary>The statistics as a record.</summary>
    public ChannelStats Stats => new(Mean, Std);

    /// <summary>JSON for a checkpoint's metadata.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ModelInfoJsonContext.Default.ModelInfo);

    /// <summary>The model description in <paramref name="metadataJson"/>, or null when the metadata holds none (an
    /// older model, or another kind of checkpoint).</summary>
    /// <exception cref="InvalidDataException">The metadata claims to be a model description but does not fit.</exception>
    public static ModelInfo? Parse(string metadataJson, string source)
    {
        ModelInfo? info;
        try { info = JsonSerializer.Deserialize(metadataJson, ModelInfoJsonContext.Default.ModelInfo); }
        catch (JsonException) { return null; }
        if (info is null || info.Kind != ModelKind) return null;
        if (info.Version != 1 || info.InputChannels < 1 || info.ImageSize < 1 || info.Classes < 2 || info.Channels < 1 ||
            info.Mean.Length != info.InputChannels || info.Std.Length != info.InputChannels || info.Network is not ("search" or "final") ||
            info.ClassNames is { } names && names.Length != info.Classes)
            throw new InvalidDataException($"{source}: the model description in its metadata is incomplete or of another version");
        return info;
    }
}

/// <summary>Source-generated JSON for <see cref="ModelInfo"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ModelInfoJsonContext : JsonSerializerContext;
