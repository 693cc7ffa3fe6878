using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Enas.Search.Reporting.Report;

/// <summary>
/// Gathers a <see cref="RunReport"/> from the files of a run folder: config.json, metrics.jsonl, summary.json,
/// classes.json, comparison.json / .txt, best-architecture.txt and the drawings (*.svg other than the curves). A file
/// that is missing leaves its section out; one that cannot be read is named in <see cref="RunReport.Problems"/>.
/// </summary>
public static class RunReportReader
{
    /// <summary>The curve files runs write (the report draws its own curves), not drawings.</summary>
    private static readonly HashSet<string> CurveFiles = ["accuracy.svg", "reward.svg", "loss.svg"];

    /// <summary>Reads the run in <paramref name="folder"/>; <paramref name="nextCommand"/> is the command to show next
    /// (with <paramref name="nextNote"/> saying what it does).</summary>
    public static RunReport Read(string folder, string? nextCommand = null, string? nextNote = null)
    {
        string full = Path.GetFullPath(folder);
        var problems = new List<string>();
        var config = ReadJson(full, RunFolder.ConfigFile, problems) as JsonObject ?? [];
        List<JsonObject> records = [];
        try { records = MetricsLog.ReadAll(Path.Combine(full, RunFolder.MetricsFile)); }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            problems.Add($"{RunFolder.MetricsFile}: {e.Message}");
        }
        string space = Text(config["space"]) ?? "?";
        bool train = File.Exists(Path.Combine(full, "architecture.json"));
        bool recurrent = space == "rnn";
        var summary = ReadJson(full, "summary.json", problems) as JsonObject;
        var facts = new List<(string, string)>();
        var (status, running) = Status(full, config, records, summary, train, recurrent);
        if (train) TrainFacts(records, facts);
        else if (summary is not null) SearchFacts(summary, facts);
        else if (Last(records, "derive") is { } derive) RecurrentFacts(derive, facts);
        if (!facts.Exists(f => f.Item1 == "total time") && TotalSeconds(records, train, recurrent) is { } seconds)
            facts.Add(("total time", Duration(seconds) + (running ? " so far" : "")));
        facts.Add(("data", Text(config["dataset"]) + (Text(config["dataDir"]) is { } dir ? $" from {dir}" : "")));
        var classes = (ReadJson(full, "classes.json", problems)?["classes"] as JsonArray)?.Select(c => Text(c) ?? "").ToList() ?? [];
        if (classes.Count > 0) facts.Add(("classes", $"{classes.Count}: {string.Join(", ", classes)}"));
        var (policy, verdict) = PolicyTable(Last(records, "policy_vs_uniform"));
        var (comparison, comparisonSummary) = ComparisonTable(full, problems);
        return new RunReport
        {
            Title = train ? $"Training from scratch: {space} architecture" : $"ENAS {space} search",
            Folder = full, Status = status, Running = running, NextCommand = nextCommand, NextCommandNote = nextNote,
            Facts = facts, Curves = ReportCurves.Draw(records, recurrent), Drawings = Drawings(full, problems),
            Top = TopTable(summary), PolicyVsUniform = policy, PolicyVerdict = verdict,
            RankCheck = Last(records, "rank_check_summary") is { } rank ? FieldTable(rank) : null,
            Comparison = comparison, ComparisonSummary = comparisonSummary, Classes = classes,
            Settings = new ReportTable(["setting", "value"], [.. Flatten(config, "").Select(kv => (IReadOnlyList<string>)[kv.Key, kv.Value])]),
            Problems = problems, Generated = DateTime.UtcNow,
        };
    }

    private static (string Status, bool Running) Status(string folder, JsonObject config, List<JsonObject> records, JsonObject? summary,
        bool train, bool recurrent)
    {
        if (train)
        {
            long epochs = Int(config["retrain"]?["epochs"]) ?? 0, done = records.Count(r => Text(r["kind"]) == "retrain");
            return File.Exists(Path.Combine(folder, "model.ckpt"))
                ? ($"finished: {done} of {epochs} epochs trained", false)
                : ($"training or stopped: {done} of {epochs} epochs done", true);
        }
        bool finished = recurrent ? Last(records, "derive") is not null : summary is not null;
        long searchEpochs = Int(config["epochs"]) ?? Int(config["options"]?["epochs"]) ?? 0; // the recurrent search nests its options
        long epochsDone = records.Where(r => Text(r["kind"]) == "epoch").Select(r => Int(r["epoch"]) ?? 0).DefaultIfEmpty(0).Max();
        return finished
            ? ($"search finished: {epochsDone} of {searchEpochs} epochs, then derive", false)
            : ($"searching or stopped: {epochsDone} of {searchEpochs} epochs done", true);
    }

    private static void SearchFacts(JsonObject s, List<(string, string)> facts)
    {
        facts.Add(("best architecture", Text(s["bestArchitecture"]) ?? ""));
        facts.Add(("genotype", Text(s["description"]) ?? ""));
        if (ReportCurves.Number(s["sharedWeightAccuracy"]) is { } acc)
            facts.Add(("shared-weight accuracy", $"{Percent(acc)} (search-time, with the shared weights on the derive batches; NOT a final accuracy)"));
        if (Int(s["sharedParameters"]) is { } p) facts.Add(("shared parameters", p.ToString("N0", CultureInfo.InvariantCulture)));
        if (ReportCurves.Number(s["seconds"]) is { } sec) facts.Add(("total time", Duration(sec) + " (search and derive)"));
    }

    private static void TrainFacts(List<JsonObject> records, List<(string, string)> facts)
    {
        if (Last(records, "retrain") is not { } last) return;
        if (ReportCurves.Number(last["test_accuracy"]) is { } test) facts.Add(("test accuracy", $"{Percent(test)} after epoch {Int(last["epoch"])}"));
        if (ReportCurves.Number(last["train_accuracy"]) is { } tr) facts.Add(("train accuracy", $"{Percent(tr)} (running, with augmentation)"));
        if (ReportCurves.Number(last["seconds"]) is { } sec) facts.Add(("total time", Duration(sec) + " of training"));
    }

    private static void RecurrentFacts(JsonObject derive, List<(string, string)> facts)
    {
        facts.Add(("best cell", Text(derive["best"]) ?? ""));
        if (ReportCurves.Number(derive["shared_weight_valid_ppl"]) is { } ppl)
            facts.Add(("shared-weight validation perplexity", $"{ppl.ToString("F1", CultureInfo.InvariantCulture)} (search-time, NOT a final number)"));
        if (Text(derive["warning"]) is { } warning) facts.Add(("warning", warning));
    }

    /// <summary>A train run's or recurrent search's last clock; a CNN search's epoch and controller times summed.</summary>
    private static double? TotalSeconds(List<JsonObject> records, bool train, bool recurrent)
    {
        var seconds = records.Where(r => train ? Text(r["kind"]) == "retrain" : recurrent || Text(r["kind"]) is "epoch" or "controller")
            .Select(r => ReportCurves.Number(r["seconds"])).OfType<double>().ToList();
        if (seconds.Count == 0) return null;
        return train || recurrent ? seconds.Max() : seconds.Sum();
    }

    private static ReportTable? TopTable(JsonObject? summary)
    {
        if (summary?["top"] is not JsonArray top || top.Count == 0) return null;
        var rows = top.OfType<JsonObject>().Select((t, i) => (IReadOnlyList<string>)
        [
            $"{i + 1}", Text(t["architecture"]) ?? "", ReportCurves.Number(t["sharedWeightAccuracy"]) is { } a ? Percent(a) : "",
            t["greedy"] is JsonValue g && g.TryGetValue(out bool greedy) && greedy ? "greedy (most likely)" : "sampled",
        ]).ToList();
        return new ReportTable(["rank", "architecture (official string)", "shared-weight accuracy", "from"], rows);
    }

    private static (ReportTable?, string?) PolicyTable(JsonObject? line)
    {
        if (line is null) return (null, null);
        bool accuracy = Text(line["metric"]) != "perplexity";
        string F(JsonNode? n) => ReportCurves.Number(n) is { } v ? accuracy ? Percent(v) : v.ToString("F1", CultureInfo.InvariantCulture) : "";
        string mean = accuracy ? "mean" : "geometric mean";
        var table = new ReportTable(["samples", "count", $"{mean} shared-weight {Text(line["metric"])}", "best"],
        [
            ["policy", $"{Int(line["policy_samples"])}", F(line["policy_mean"]), F(line["policy_best"])],
            ["uniform", $"{Int(line["uniform_samples"])}", F(line["uniform_mean"]), F(line["uniform_best"])],
        ]);
        double? p = ReportCurves.Number(line["policy_mean"]), u = ReportCurves.Number(line["uniform_mean"]);
        string? verdict = p is null || u is null ? null
            : (accuracy ? p > u : p < u) ? "The policy's samples score better on average than uniform ones on the same validation data."
            : "The policy is no better than uniform sampling: it learned nothing derive can use.";
        return (table, verdict);
    }

    private static (ReportTable?, string?) ComparisonTable(string folder, List<string> problems)
    {
        if (ReadJson(folder, Reporting.ComparisonTable.JsonFile, problems) is not JsonObject root || root["models"] is not JsonArray models) return (null, null);
        string score = Text(root["score"]) ?? "score";
        bool percent = score.Contains("accuracy", StringComparison.OrdinalIgnoreCase);
        var rows = models.OfType<JsonObject>().Select(m => (IReadOnlyList<string>)
        [
            Text(m["role"]) ?? "", Text(m["model"]) ?? "", $"{Int(m["seed"])}", Int(m["parameters"]) is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "",
            ReportCurves.Number(m["score"]) is { } s ? percent ? Percent(s) : s.ToString("F2", CultureInfo.InvariantCulture) : "",
            ReportCurves.Number(m["seconds"]) is { } sec ? Duration(sec) : "", Text(m["details"]) ?? "",
        ]).ToList();
        string? text = null;
        string txt = Path.Combine(folder, Reporting.ComparisonTable.TextFile);
        if (File.Exists(txt))
        {
            string all = File.ReadAllText(txt).ReplaceLineEndings("\n");
            int blank = all.IndexOf("\n\n", StringComparison.Ordinal);
            if (blank >= 0) text = all[(blank + 2)..].TrimEnd();
        }
        return (new ReportTable(["role", "model", "seed", "parameters", score, "time", "details"], rows), text);
    }

    private static ReportTable FieldTable(JsonObject line) => new(["field", "value"],
        [.. line.Where(kv => kv.Key != "kind").Select(kv => (IReadOnlyList<string>)[kv.Key, Scalar(kv.Value)])]);

    private static List<ReportFigure> Drawings(string folder, List<string> problems)
    {
        var result = new List<ReportFigure>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.svg").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (CurveFiles.Contains(name)) continue;
            try { result.Add(new ReportFigure(Path.GetFileNameWithoutExtension(name).Replace('-', ' '), File.ReadAllText(path), name)); }
            catch (IOException e) { problems.Add($"{name}: {e.Message}"); }
        }
        return result;
    }

    /// <summary>Every leaf of <paramref name="node"/> as ("a.b", value).</summary>
    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonObject node, string prefix)
    {
        foreach (var (key, value) in node)
        {
            if (value is JsonObject inner)
                foreach (var leaf in Flatten(inner, prefix + key + ".")) yield return leaf;
            else yield return new(prefix + key, Scalar(value));
        }
    }

    private static JsonNode? ReadJson(string folder, string name, List<string> problems)
    {
        string path = Path.Combine(folder, name);
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (Exception e) when (e is JsonException or IOException)
        {
            problems.Add($"{name}: {e.Message}");
            return null;
        }
    }

    private static JsonObject? Last(List<JsonObject> records, string kind) => records.LastOrDefault(r => Text(r["kind"]) == kind);

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static long? Int(JsonNode? n) => n is JsonValue v && v.TryGetValue(out long l) ? l : ReportCurves.Number(n) is { } d ? (long)d : null;

    private static string Scalar(JsonNode? n) => n switch
    {
        null => "null",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => n.ToJsonString(),
    };

    private static string Percent(double v) => v.ToString("P2", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) => ProgressReporter.FormatDuration(TimeSpan.FromSeconds(seconds));
}
