using System.Text.Json;
using System.Text.Json.Nodes;
using Enas.Search.Spaces;

namespace Enas.Search.Training;

/// <summary>
/// Whether a CNN search may continue from a checkpoint written with other options. Options that only steer what
/// happens after training (epochs still to run, derive, the rank check, the comparison, the size of the suggested retraining) may
/// change; every other option must equal the checkpoint's, or the resume is refused with each difference named. An
/// option that a checkpoint predates counts as its default, which is what the older version did.
/// </summary>
public static class SearchResumeCheck
{
    /// <summary>The field of config.json that records the device a run used (not an option: never compared).</summary>
    public const string DeviceUsedField = "deviceUsed";

    private static readonly HashSet<string> MayChange =
        [DeviceUsedField, "epochs", "deriveSamples", "deriveBatches", "rankCheck", "rankCheckEpochs", "compare", "retrain.epochs", "retrain.channels", "retrain.layers",
         "retrain.network"];

    /// <summary>Follows from the space; checked on its own, before the options are compared.</summary>
    private const string SkipIndexingField = "skipIndexing";

    /// <summary>What may change on resume, as flags (for messages).</summary>
    public const string MayChangeFlags =
        "--epochs (more epochs), --derive-samples, --derive-batches, --rank-check, --rank-check-epochs, --compare (with --compare-seeds, --compare-random), --retrain-epochs, --retrain-channels, --retrain-layers";

    /// <summary>"flag: checkpoint X, now Y" for each option that keeps <paramref name="current"/> from continuing
    /// <paramref name="storedJson"/> (the checkpoint's config.json text); empty when it may continue. Throws
    /// <see cref="InvalidDataException"/> when no option could make it continue: a macro search written before the
    /// authors' skip indexing (<see cref="MacroSkipIndexing"/>).</summary>
    public static IReadOnlyList<string> Differences(string storedJson, SearchOptions current) =>
        Differences(storedJson, current, MayChange, null);

    /// <summary>
    /// <see cref="Differences(string, SearchOptions)"/> for another command: the configuration fields (dotted,
    /// e.g. "retrain.epochs") in <paramref name="mayChange"/> are not compared, and <paramref name="flagOf"/> names a
    /// field's flag where that command's flags differ from the search's (null: the search's).
    /// </summary>
    public static IReadOnlyList<string> Differences(string storedJson, SearchOptions current, IReadOnlySet<string> mayChange,
        Func<string, string?>? flagOf)
    {
        JsonObject stored, now, defaults;
        try { stored = JsonNode.Parse(storedJson)?.AsObject() ?? throw new JsonException("empty"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return [$"the checkpoint's configuration is not readable JSON ({e.Message})"];
        }
        if (StringOf(stored["space"]) == MacroSpace.SpaceName &&
            MacroSkipIndexing.ResumeProblem(StringOf(stored[SkipIndexingField])) is { } problem)
            throw new InvalidDataException($"cannot resume: {problem}");
        now = ToJson(current);
        defaults = ToJson(new SearchOptions());
        var result = new List<string>();
        Compare(stored, now, defaults, "", result, mayChange, flagOf ?? (_ => null));
        return result;
    }

    private static JsonObject ToJson(SearchOptions o) =>
        JsonSerializer.SerializeToNode(o, SearchJsonContext.Default.SearchOptions)!.AsObject();

    private static void Compare(JsonObject then, JsonObject now, JsonObject? defaults, string prefix, List<string> result,
        IReadOnlySet<string> mayChange, Func<string, string?> flagOf)
    {
        foreach (string field in now.Select(kv => kv.Key).Union(then.Select(kv => kv.Key)))
        {
            string name = prefix + field;
            if (mayChange.Contains(name) || name == SkipIndexingField) continue;
            JsonNode? old = then[field], value = now[field], byDefault = defaults?[field];
            bool had = then.ContainsKey(field), has = now.ContainsKey(field);
            if (!had) old = byDefault; // written before the option existed (or left out while at its default)
            if (!has) value = byDefault;
            if (old is JsonObject o && value is JsonObject v) { Compare(o, v, byDefault as JsonObject, name + ".", result, mayChange, flagOf); continue; }
            if (!JsonNode.DeepEquals(old, value))
                result.Add($"{flagOf(name) ?? FlagOf(name)}: checkpoint {Text(old)}, now {Text(value)}");
        }
    }

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "(not set)";

    private static string? StringOf(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>The command-line flag of a configuration field, where it has one; the field name otherwise.</summary>
    private static string FlagOf(string field) => field switch
    {
        "nodes" => "--cells",
        "dataDir" => "--data",
        "fixedArchitecture" => "--arch",
        "controllerSettings.learningRate" => "--controller-lr",
        "controllerSettings.adamEpsilon" => "--controller-adam-eps",
        "controllerSettings.tanhConstant" => "--controller-tanh",
        "controllerSettings.opTanhReduce" => "--controller-op-tanh-reduce",
        "controllerSettings.pairedReward" => "--controller-reward",
        "retrain.cropPadding" or "retrain.flip" => $"{field} (the preset's augmentation)",
        _ when field.Contains('.') => $"{field} (a preset setting)",
        _ => "--" + string.Concat(field.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString())),
    };
}
