using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json;
using Enas.Search.Spaces;
using Enas.Search.Tasks;

namespace Enas.Search.Cli;

/// <summary>
/// The config.json of a recurrent run: what was asked (search, a given cell or the LSTM baseline), its data, its
/// options and the device used. <c>--resume --out DIR</c> continues a search from it without any other flag.
/// </summary>
internal sealed record RnnRunConfig
{
    /// <summary>Always "rnn": how a resume tells a recurrent run from a CNN one.</summary>
    public string Space { get; init; } = RnnSpace.SpaceName;

    /// <summary>"search", "cell" (--cell) or "baseline" (--baseline lstm).</summary>
    public string Mode { get; init; } = "search";

    /// <summary>ptb or ptb-mini.</summary>
    public string Dataset { get; init; } = "ptb";

    /// <summary>The corpus folder.</summary>
    public string DataDir { get; init; } = "";

    /// <summary>--device as given.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>The device the run used (what "auto" resolved to).</summary>
    public string? DeviceUsed { get; init; }

    /// <summary>--cell, when given.</summary>
    public string? Cell { get; init; }

    /// <summary>--baseline, when given.</summary>
    public string? Baseline { get; init; }

    /// <summary>Epochs of the retraining (or of --cell / --baseline).</summary>
    public int RetrainEpochs { get; init; }

    /// <summary>--compare.</summary>
    public bool Compare { get; init; }

    /// <summary>--compare-seeds.</summary>
    public int CompareSeeds { get; init; } = 1;

    /// <summary>The search and training options.</summary>
    public RnnSearchOptions Options { get; init; } = new();

    /// <summary>The configuration of <paramref name="r"/>, run on <paramref name="deviceUsed"/>.</summary>
    public static RnnRunConfig Of(RnnCliRequest r, string deviceUsed) => new()
    {
        Mode = r.Baseline is not null ? "baseline" : r.Cell is not null ? "cell" : "search",
        Dataset = r.Dataset, DataDir = r.DataDir, Device = r.Device, DeviceUsed = deviceUsed, Cell = r.Cell,
        Baseline = r.Baseline, RetrainEpochs = r.RetrainEpochs, Compare = r.Compare, CompareSeeds = r.CompareSeeds,
        Options = r.Options,
    };

    /// <summary>The JSON text of this configuration.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RnnJsonContext.Readable.RnnRunConfig);

    /// <summary>Reads <paramref name="json"/> (the text of a config.json).</summary>
    /// <exception cref="CliException">It is not a recurrent run's configuration.</exception>
    public static RnnRunConfig Parse(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize(json, RnnJsonContext.Default.RnnRunConfig)
                   ?? throw new CliException($"cannot read {path}: it is empty");
        }
        catch (JsonException e)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }
    }
}

/// <summary>Source-generated JSON for <see cref="RnnRunConfig"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(RnnRunConfig))]
internal sealed partial class RnnJsonContext : JsonSerializerContext
{
    /// <summary>For files people read: characters such as '+' are written as they are.</summary>
    public static RnnJsonContext Readable => field ??= new(new JsonSerializerOptions(Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
