using System.Text.Json.Nodes;
using Enas.Engine.Serialization;
using Enas.Search.Reporting;

namespace Enas.Tests.Distributed;

/// <summary>What a data-parallel run wrote against what one process wrote: metrics records, numbers and checkpoints,
/// equal up to float32 summation order.</summary>
internal static class OneProcessComparison
{
    /// <summary>The records of <paramref name="path"/> without the given wall-clock fields.</summary>
    public static List<JsonObject> Read(string path, params string[] wallClock) => MetricsLog.ReadAll(path).Select(r =>
    {
        foreach (var field in wallClock) r.Remove(field);
        return r;
    }).ToList();

    /// <summary>The same fields; strings and integers equal, other numbers within <paramref name="tolerance"/>
    /// (see <see cref="AssertClose(double, double, double, string)"/>).</summary>
    public static void AssertSame(JsonObject expected, JsonObject actual, double tolerance)
    {
        Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
        foreach (var (key, value) in expected)
        {
            var other = actual[key];
            if (value is JsonValue v && v.TryGetValue<double>(out double a) && other is JsonValue w && w.TryGetValue<double>(out double b))
                AssertClose(a, b, tolerance, $"{expected["kind"]} {key}");
            else Assert.Equal(value?.ToJsonString(), other?.ToJsonString());
        }
    }

    /// <summary>|one − two| within <paramref name="tolerance"/> relative, plus the same absolute amount near zero.</summary>
    public static void AssertClose(double one, double two, double tolerance, string what) =>
        Assert.True(Math.Abs(one - two) <= tolerance * (1 + Math.Abs(one)), $"{what}: one process {one}, two ranks {two}");

    /// <summary>Every value of <paramref name="one"/> close to the same element of <paramref name="two"/>.</summary>
    public static void AssertClose(CheckpointEntry one, float[] two, double tolerance)
    {
        Assert.Equal(one.Data.Length, two.Length);
        for (int k = 0; k < one.Data.Length; k++) AssertClose(one.Data[k], two[k], tolerance, $"{one.Name}[{k}]");
    }

    /// <summary>Reads both checkpoints, asserts the same tensor names and every value close, and returns the data-parallel
    /// run's tensors by name.</summary>
    public static IReadOnlyDictionary<string, CheckpointEntry> AssertSameCheckpoints(string onePath, string twoPath, double tolerance)
    {
        var (_, one) = Checkpoint.Read(onePath);
        var (_, two) = Checkpoint.Read(twoPath);
        Assert.Equal(one.Keys.Order(), two.Keys.Order());
        foreach (var (name, e) in one) AssertClose(e, two[name].Data, tolerance);
        return two;
    }
}
