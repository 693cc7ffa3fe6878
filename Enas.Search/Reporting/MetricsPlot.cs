using System.Globalization;
using System.Text.Json.Nodes;

namespace Enas.Search.Reporting;

/// <summary>Builds <see cref="SvgLinePlot"/> charts from metrics.jsonl records.</summary>
public static class MetricsPlot
{
    /// <summary>
    /// A chart with one series per name in <paramref name="yFields"/>, taken from the records of kind
    /// <paramref name="kind"/> that hold a numeric <paramref name="xField"/>; records lacking a y field are
    /// skipped for that series, and "NaN"/"Infinity" strings become gaps.
    /// </summary>
    public static SvgLinePlot Create(IEnumerable<JsonObject> records, string kind, string xField,
        IReadOnlyList<string> yFields, string title, string yLabel)
    {
        var rows = records.Where(r => (string?)r["kind"] == kind).ToList();
        var plot = new SvgLinePlot(title, xField, yLabel);
        foreach (var field in yFields)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            foreach (var row in rows)
            {
                if (Number(row[xField]) is not { } x || !row.ContainsKey(field)) continue;
                xs.Add(x);
                ys.Add(Number(row[field]) ?? double.NaN);
            }
            plot.AddSeries(field, xs, ys);
        }
        return plot;
    }

    private static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        if (value.TryGetValue(out double d)) return d;
        if (value.TryGetValue(out long l)) return l;
        if (value.TryGetValue(out string? s) &&
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        return null;
    }
}
