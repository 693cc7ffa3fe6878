using Enas.Kernels;

namespace Enas.GpuBench;

/// <summary>One timed ENAS kernel shape: <see cref="Run"/> queues one iteration (forward or forward+backward).</summary>
internal sealed class BenchCase : IDisposable
{
    private readonly List<DeviceBuffer> _buffers = [];

    public BenchCase(string op, int batch, string mode, IBackend backend)
    {
        Op = op;
        Batch = batch;
        Mode = mode;
        Backend = backend;
    }

    public string Op { get; }
    public int Batch { get; }
    public string Mode { get; }
    public IBackend Backend { get; }
    public Action Run { get; set; } = () => { };

    /// <summary>A buffer filled with deterministic values in [-1, 1).</summary>
    public DeviceBuffer Buffer(long length, int seed)
    {
        var buffer = Backend.Allocate(DType.Float32, length);
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        Backend.Upload<float>(data, buffer);
        _buffers.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
    }
}

/// <summary>
/// The ENAS kernel shapes (CIFAR-10 macro/micro cells: C channels at HxW, batch B): conv 3x3/5x5/1x1 (stride 1,
/// same padding), separable conv 3x3/5x5 (depthwise then 1x1), max/avg pool 3x3 (stride 1, pad 1), batch norm.
/// Names match perf/gpu_reference.py so the two CSVs join on (op, batch, mode).
/// </summary>
internal static class BenchCases
{
    public static IEnumerable<BenchCase> Create(IBackend backend, int batch, int channels, int size, string mode)
    {
        bool backward = mode == "fwd+bwd";
        foreach (int k in new[] { 3, 5, 1 })
        {
            var c = new BenchCase($"conv{k}x{k}", batch, mode, backend);
            var d = new Conv2DDescriptor(batch, channels, size, size, channels, k, k, 1, k / 2);
            var x = c.Buffer(d.InputLength, 1);
            var w = c.Buffer(d.WeightLength, 2);
            var y = c.Buffer(d.OutputLength, 3);
            var dx = c.Buffer(d.InputLength, 4);
            var dw = c.Buffer(d.WeightLength, 5);
            c.Run = () =>
            {
                backend.Conv2DForward(d, x, w, y);
                if (!backward) return;
                backend.Conv2DBackwardData(d, y, w, dx);
                backend.Conv2DBackwardFilter(d, x, y, dw);
            };
            yield return c;
        }
        foreach (int k in new[] { 3, 5 })
        {
            var c = new BenchCase($"sepconv{k}x{k}", batch, mode, backend);
            var dwd = new Conv2DDescriptor(batch, channels, size, size, channels, k, k, 1, k / 2, channels);
            var pw = new Conv2DDescriptor(batch, channels, size, size, channels, 1, 1, 1, 0);
            var x = c.Buffer(dwd.InputLength, 1);
            var wd = c.Buffer(dwd.WeightLength, 2);
            var wp = c.Buffer(pw.WeightLength, 3);
            var mid = c.Buffer(dwd.OutputLength, 4);
            var y = c.Buffer(pw.OutputLength, 5);
            var dmid = c.Buffer(dwd.OutputLength, 6);
            var dx = c.Buffer(dwd.InputLength, 7);
            var dwdGrad = c.Buffer(dwd.WeightLength, 8);
            var dwpGrad = c.Buffer(pw.WeightLength, 9);
            c.Run = () =>
            {
                backend.Conv2DForward(dwd, x, wd, mid);
                backend.Conv2DForward(pw, mid, wp, y);
                if (!backward) return;
                backend.Conv2DBackwardData(pw, y, wp, dmid);
                backend.Conv2DBackwardFilter(pw, mid, y, dwpGrad);
                backend.Conv2DBackwardData(dwd, dmid, wd, dx);
                backend.Conv2DBackwardFilter(dwd, x, dmid, dwdGrad);
            };
            yield return c;
        }
        foreach (var kind in new[] { PoolKind.Max, PoolKind.Average })
        {
            var c = new BenchCase(kind == PoolKind.Max ? "maxpool3x3" : "avgpool3x3", batch, mode, backend);
            var d = new Pool2DDescriptor(kind, batch, channels, size, size, 3, 1, 1);
            var x = c.Buffer(d.InputLength, 1);
            var y = c.Buffer(d.OutputLength, 2);
            var dy = c.Buffer(d.OutputLength, 3);
            var dx = c.Buffer(d.InputLength, 4);
            c.Run = () =>
            {
                backend.Pool2DForward(d, x, y);
                if (backward) backend.Pool2DBackward(d, x, y, dy, dx);
            };
            yield return c;
        }
        {
            var c = new BenchCase("batchnorm", batch, mode, backend);
            var d = new BatchNormDescriptor(batch, channels, size * size);
            var x = c.Buffer(d.Length, 1);
            var gamma = c.Buffer(channels, 2);
            var beta = c.Buffer(channels, 3);
            var y = c.Buffer(d.Length, 4);
            var mean = c.Buffer(channels, 5);
            var inv = c.Buffer(channels, 6);
            var dx = c.Buffer(d.Length, 7);
            var dg = c.Buffer(channels, 8);
            var db = c.Buffer(channels, 9);
            c.Run = () =>
            {
                backend.BatchNormForwardTraining(d, x, gamma, beta, y, mean, inv, null, null);
                if (backward) backend.BatchNormBackward(d, x, y, gamma, mean, inv, dx, dg, db);
            };
            yield return c;
        }
    }
}
