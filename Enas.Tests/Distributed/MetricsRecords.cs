using System.Text.Json.Nodes;
using Enas.Search.Reporting;

namespace Enas.Tests.Distributed;

/// <summary>metrics.jsonl records of a data-parallel run against one process's.</summary>
internal static class MetricsRecords
{
    /// <summary>The records of <paramref name="path"/> without the given wall-clock fields.</summary>
    public static List<JsonObject> Read(string path, params string[] wallClock) => MetricsLog.ReadAll(path).Select(r =>
    {
        foreach (var field in wallClock) r.Remove(field);
        return r;
    }).ToList();

    /// <summary>The same fields; strings and integers equal, other numbers within <paramref name="tolerance"/>
    /// relative (plus the same absolute amount near zero).</summary>
    public static void AssertSame(JsonObject expected, JsonObject actual, double tolerance)
    {
        Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
        foreach (var (key, value) in expected)
        {
            var other = actual[key];
            if (value is JsonValue v && v.TryGetValue<double>(out double a) && other is JsonValue w && w.TryGetValue<double>(out double b))
                Assert.True(Math.Abs(a - b) <= tolerance * (1 + Math.Abs(a)), $"{expected["kind"]} {key}: one process {a}, two ranks {b}");
            else Assert.Equal(value?.ToJsonString(), other?.ToJsonString());
        }
    }
}
