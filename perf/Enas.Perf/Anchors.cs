namespace Enas.Perf;

/// <summary>libtorch 2.10 CPU timings (ms) from /work/shared/docs/perf-anchors.md, measured on this machine type.</summary>
internal static class Anchors
{
    /// <summary>(fwd 1 thread, fwd+bwd 1 thread, fwd 2 threads, fwd+bwd 2 threads); NaN where not measured.</summary>
    private static readonly Dictionary<string, double[]> Table = new()
    {
        ["conv3x3@32"] = [16.9, 51.4, 9.4, 29.1],
        ["conv5x5@32"] = [43.0, 127.6, 23.2, 68.3],
        ["sepconv3x3@32"] = [9.0, 29.7, 5.3, 15.8],
        ["sepconv5x5@32"] = [9.6, 60.0, 5.2, 43.3],
        ["depthwise3x3@32"] = [4.1, 14.3, 2.4, 8.0],
        ["depthwise5x5@32"] = [4.6, 46.5, 2.6, 37.1],
        ["conv1x1@32"] = [4.7, 13.7, 2.5, 7.6],
        ["maxpool3x3@32"] = [66.5, 69.2, 33.8, 35.3],
        ["avgpool3x3@32"] = [19.1, 39.1, 10.4, 21.5],
        ["batchnorm@32"] = [4.0, 6.1, 2.0, 3.2],
        ["relu@32"] = [0.32, 1.16, 0.18, 0.80],
        ["conv3x3@28"] = [double.NaN, 40.2, 6.7, 20.7],
        ["conv5x5@28"] = [double.NaN, 92.8, 15.7, 47.6],
        ["sepconv3x3@28"] = [double.NaN, 21.0, 3.2, 9.5],
        ["sepconv5x5@28"] = [double.NaN, 52.6, 3.5, 36.3],
        ["maxpool3x3@28"] = [double.NaN, 55.0, 26.0, 27.2],
        ["avgpool3x3@28"] = [double.NaN, 31.5, 7.6, 15.7],
        ["batchnorm@28"] = [double.NaN, 5.0, 1.4, 2.3],
        ["engine conv3x3@32"] = [16.9, 51.4, 9.4, 29.1],
    };

    /// <summary>libtorch sgemm 1024^3 GFLOP/s (1 thread, 2 threads).</summary>
    public static readonly double[] GemmGflops = [86, 169];

    /// <summary>Anchor in ms, or NaN.</summary>
    public static double Get(string key, int threads, bool backward)
    {
        if (!Table.TryGetValue(key, out var row)) return double.NaN;
        return row[(threads == 1 ? 0 : 2) + (backward ? 1 : 0)];
    }
}
