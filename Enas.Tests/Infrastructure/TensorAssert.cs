using System.Text;

namespace Enas.Tests.Infrastructure;

/// <summary>
/// llm.c-style closeness: element i passes when |actual - expected| &lt;= atol + rtol * |expected|. A failure names
/// the worst element, the max abs and rel differences and the first five mismatches.
/// </summary>
public static class TensorAssert
{
    /// <summary>Asserts that <paramref name="actual"/> is close to <paramref name="expected"/>.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double atol, double rtol,
        string context)
    {
        Assert.True(expected.Length == actual.Length,
            $"{context}: length {actual.Length} differs from expected {expected.Length}");
        double maxAbs = 0, maxRel = 0;
        int worst = -1, mismatches = 0;
        var first = new StringBuilder();
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(actual[i]) != double.IsNaN(expected[i])) diff = double.PositiveInfinity;
            double rel = diff / Math.Max(Math.Abs(expected[i]), 1e-30);
            bool ok = diff <= atol + rtol * Math.Abs(expected[i]) || (double.IsNaN(actual[i]) && double.IsNaN(expected[i]));
            if (diff > maxAbs || worst < 0) { maxAbs = Math.Max(maxAbs, diff); if (!ok || worst < 0) worst = i; }
            maxRel = Math.Max(maxRel, Math.Min(rel, 1e300));
            if (!ok)
            {
                if (mismatches < 5) first.Append($"\n  [{i}] expected {expected[i]:G9} actual {actual[i]:G9}");
                mismatches++;
            }
        }
        if (mismatches > 0)
        {
            Assert.Fail($"{context}: {mismatches} of {expected.Length} elements differ (atol {atol}, rtol {rtol}); " +
                        $"max abs {maxAbs:G3}, max rel {maxRel:G3}, worst index {worst} " +
                        $"(expected {expected[worst]:G9}, actual {actual[worst]:G9}); first mismatches:{first}");
        }
    }

    /// <summary>Float overload.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double atol, double rtol,
        string context)
    {
        var a = new double[actual.Length];
        for (int i = 0; i < a.Length; i++) a[i] = actual[i];
        Close(expected, a, atol, rtol, context);
    }
}
