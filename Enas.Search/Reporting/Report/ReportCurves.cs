using System.Globalization;
using System.Text.Json.Nodes;

namespace Enas.Search.Reporting.Report;

/// <summary>The per-epoch curves of a report, drawn with <see cref="SvgLinePlot"/> from metrics.jsonl records.</summary>
internal static class ReportCurves
{
    /// <summary>One line of a chart: field <paramref name="Field"/> of the records of kind <paramref name="Kind"/>
    /// against their "epoch".</summary>
    private sealed record CurveSeries(string Kind, string Field, string Name);

    private sealed record Chart(string Title, string YLabel, CurveSeries[] Lines);

    private static readonly Chart[] Charts =
    [
        new("Shared-weight accuracy (search time, not a final accuracy)", "accuracy",
            [new("epoch", "shared_weight_train_accuracy", "training batches"), new("controller", "shared_weight_valid_accuracy", "validation (controller samples)")]),
        new("Shared-weight training loss", "cross-entropy", [new("epoch", "train_loss", "train loss")]),
        new("Controller reward", "reward", [new("controller", "reward", "reward"), new("controller", "baseline", "baseline")]),
        new("Controller entropy", "nats", [new("controller", "entropy", "entropy")]),
        new("Training from scratch: accuracy", "accuracy",
            [new("retrain", "train_accuracy", "train (running, with augmentation)"), new("retrain", "test_accuracy", "test")]),
        new("Training from scratch: loss", "cross-entropy", [new("retrain", "train_loss", "train (running)"), new("retrain", "test_loss", "test")]),
    ];

    /// <summary>The recurrent search logs its controller numbers on its "epoch" lines.</summary>
    private static readonly Chart[] RecurrentCharts =
    [
        new("Shared-weight training loss", "cross-entropy", [new("epoch", "train_loss", "train loss")]),
        new("Shared-weight validation perplexity (controller samples)", "perplexity", [new("epoch", "shared_weight_valid_ppl", "perplexity")]),
        new("Controller reward", "reward", [new("epoch", "reward", "reward"), new("epoch", "baseline", "baseline")]),
        new("Controller entropy", "nats", [new("epoch", "entropy", "entropy")]),
    ];

    /// <summary>Every chart that has at least one point in <paramref name="records"/>.</summary>
    public static List<ReportFigure> Draw(IReadOnlyList<JsonObject> records, bool recurrent)
    {
        var figures = new List<ReportFigure>();
        foreach (var chart in recurrent ? RecurrentCharts : Charts)
        {
            var plot = new SvgLinePlot(chart.Title, "epoch", chart.YLabel) { Width = 560, Height = 320 };
            int points = 0;
            foreach (var line in chart.Lines)
            {
                var (xs, ys) = Points(records, line);
                if (xs.Count == 0) continue;
                plot.AddSeries(line.Name, xs, ys);
                points += xs.Count;
            }
            if (points > 0) figures.Add(new ReportFigure(chart.Title, plot.Render()));
        }
        return figures;
    }

    private static (List<double> X, List<double> Y) Points(IReadOnlyList<JsonObject> records, CurveSeries line)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var r in records)
        {
            if ((string?)r["kind"] != line.Kind || Number(r["epoch"]) is not { } x || !r.ContainsKey(line.Field)) continue;
            xs.Add(x);
            ys.Add(Number(r[line.Field]) ?? double.NaN);
        }
        return (xs, ys);
    }

    /// <summary>A JSON number, or one of the strings "NaN", "Infinity", "-Infinity" the metrics log writes.</summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        if (value.TryGetValue(out double d)) return d;
        if (value.TryGetValue(out long l)) return l;
        if (value.TryGetValue(out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        return null;
    }
}
