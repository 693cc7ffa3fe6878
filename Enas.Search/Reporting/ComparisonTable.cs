using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Enas.Search.Reporting;

/// <summary>One model a comparison trained from scratch.</summary>
/// <param name="Role">What the model stands for ("searched", "random", ...).</param>
/// <param name="Model">Which model of the role (an architecture string, a name).</param>
/// <param name="Seed">Training seed; models of one seed form a pair set.</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Score">The compared score (a test accuracy in [0, 1], or a perplexity).</param>
/// <param name="Seconds">Training wall time.</param>
/// <param name="Details">What else the task reports of the model, as text (e.g. its best epoch and validation score).</param>
public sealed record ComparisonEntry(string Role, string Model, ulong Seed, long Parameters, double Score, double Seconds,
    string Details = "");

/// <summary>
/// The results of a comparison: every model trained so far, then (once a role has results) each role's mean ± sample
/// standard deviation and the reference role's paired differences by seed against every other role (against the mean
/// of that role's models of the seed when it has several). <see cref="Save"/> rewrites comparison.json and
/// comparison.txt atomically, so after a crash <see cref="Load"/> gives back every finished model.
/// </summary>
public sealed class ComparisonTable(string scoreName, bool higherIsBetter, bool percent, string reference)
{
    /// <summary>File names in the run folder.</summary>
    public const string JsonFile = "comparison.json", TextFile = "comparison.txt";

    private readonly List<ComparisonEntry> _entries = new();

    /// <summary>Entries in training order.</summary>
    public IReadOnlyList<ComparisonEntry> Entries => _entries;

    /// <summary>Whether (<paramref name="role"/>, <paramref name="model"/>, <paramref name="seed"/>) is already trained.</summary>
    public bool Has(string role, string model, ulong seed) =>
        _entries.Exists(e => e.Role == role && e.Model == model && e.Seed == seed);

    /// <summary>Adds a result.</summary>
    public void Add(ComparisonEntry entry) => _entries.Add(entry);

    /// <summary>Removes the entries <paramref name="drop"/> selects; returns how many were removed.</summary>
    public int RemoveAll(Func<ComparisonEntry, bool> drop) => _entries.RemoveAll(e => drop(e));

    /// <summary>Writes comparison.json and comparison.txt into <paramref name="folder"/> (atomically).</summary>
    public void Save(string folder)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, JsonFile), Json());
        AtomicFile.WriteAllText(Path.Combine(folder, TextFile), Text());
    }

    /// <summary>
    /// The table saved in <paramref name="folder"/> when it is a comparison of the same score, or an empty one; a file
    /// that cannot be read is reported rather than overwritten.
    /// </summary>
    /// <exception cref="InvalidDataException">comparison.json exists but is not a comparison of this score.</exception>
    public static ComparisonTable Load(string folder, string scoreName, bool higherIsBetter, bool percent, string reference)
    {
        var table = new ComparisonTable(scoreName, higherIsBetter, percent, reference);
        string path = Path.Combine(folder, JsonFile);
        if (!File.Exists(path)) return table;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            if ((string?)root["score"] != scoreName)
                throw new InvalidDataException($"{path} compares '{(string?)root["score"]}', not '{scoreName}'");
            foreach (var m in root["models"]!.AsArray())
                table.Add(new ComparisonEntry((string)m!["role"]!, (string)m["model"]!, (ulong)m["seed"]!,
                    (long)m["parameters"]!, (double)m["score"]!, (double)m["seconds"]!, (string?)m["details"] ?? ""));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new InvalidDataException($"{path} is not a readable comparison ({e.Message}); move it away to start the comparison over");
        }
        return table;
    }

    private string Json() => new JsonObject
    {
        ["score"] = scoreName,
        ["higher_is_better"] = higherIsBetter,
        ["reference"] = reference,
        ["models"] = new JsonArray([.. _entries.Select(e => (JsonNode)new JsonObject
        {
            ["role"] = e.Role, ["model"] = e.Model, ["seed"] = e.Seed, ["parameters"] = e.Parameters,
            ["score"] = e.Score, ["seconds"] = e.Seconds, ["details"] = e.Details,
        })]),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>The table as plain text (best model first), then the per-role and paired summaries.</summary>
    public string Text()
    {
        bool details = _entries.Exists(e => e.Details.Length > 0);
        var sb = new StringBuilder($"role | model | seed | parameters | {scoreName} | time{(details ? " | details" : "")}\n");
        foreach (var e in _entries.OrderBy(e => higherIsBetter ? -e.Score : e.Score))
            sb.Append(CultureInfo.InvariantCulture,
                $"{e.Role} | {e.Model} | {e.Seed} | {e.Parameters:N0} | {Format(e.Score)} | {ProgressReporter.FormatDuration(TimeSpan.FromSeconds(e.Seconds))}" +
                $"{(details ? $" | {e.Details}" : "")}\n");
        var roles = _entries.Select(e => e.Role).Distinct().ToList();
        if (roles.Count == 0) return sb.ToString();
        sb.Append($"\nrole | models | {scoreName} mean ± sd\n");
        foreach (var role in roles)
        {
            var scores = _entries.Where(e => e.Role == role).Select(e => e.Score).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"{role} | {scores.Count} | {MeanSd(scores)}\n");
        }
        foreach (var other in roles.Where(r => r != reference))
        {
            var diffs = PairedDifferences(other);
            if (diffs.Count == 0) continue;
            int better = diffs.Count(d => higherIsBetter ? d > 0 : d < 0);
            sb.Append(CultureInfo.InvariantCulture,
                $"{reference} - {other}, {scoreName}, paired by seed: {MeanSd(diffs, signed: true)} over {diffs.Count} seed{(diffs.Count == 1 ? "" : "s")}; " +
                $"{reference} better in {better} of {diffs.Count}\n");
        }
        return sb.ToString();
    }

    /// <summary>Per seed holding both roles: the reference's mean score minus <paramref name="other"/>'s mean score.</summary>
    public IReadOnlyList<double> PairedDifferences(string other) =>
        [.. _entries.GroupBy(e => e.Seed)
            .Where(g => g.Any(e => e.Role == reference) && g.Any(e => e.Role == other))
            .Select(g => g.Where(e => e.Role == reference).Average(e => e.Score) - g.Where(e => e.Role == other).Average(e => e.Score))];

    private string Format(double score, bool signed = false)
    {
        double v = percent ? score * 100 : score;
        string number = v.ToString(signed ? "+0.00;-0.00" : "F2", CultureInfo.InvariantCulture);
        return percent ? number + (signed ? " pts" : " %") : number;
    }

    private string MeanSd(IReadOnlyList<double> v, bool signed = false)
    {
        double mean = v.Average();
        if (v.Count < 2) return $"{Format(mean, signed)} (one value, no sd)";
        double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{Format(mean, signed)} ± {(percent ? sd * 100 : sd):F2}");
    }
}
