using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Kernels;
using Enas.Kernels.Cpu;

namespace Enas.Perf;

/// <summary>One benchmark row: a forward pass and a forward+backward pass over pre-allocated buffers.</summary>
internal abstract class Workload : IDisposable
{
    protected static readonly IBackend Cpu = CpuBackend.Instance;
    private readonly List<DeviceBuffer> _buffers = new();

    protected Workload(string name, int size)
    {
        Name = name;
        Size = size;
    }

    public string Name { get; }

    public int Size { get; }

    /// <summary>Key into <see cref="Anchors"/>.</summary>
    public virtual string Key => $"{Name}@{Size}";

    /// <summary>FLOPs of one forward pass (0 for memory-bound rows).</summary>
    public virtual double ForwardFlops => 0;

    /// <summary>FLOPs of forward + backward.</summary>
    public virtual double TotalFlops => 3 * ForwardFlops;

    /// <summary>Bytes a forward pass must read and write (memory-bound rows).</summary>
    public virtual double ForwardBytes => 0;

    public virtual bool HasBackward => true;

    public abstract void Forward();

    public abstract void ForwardBackward();

    protected DeviceBuffer Buffer(long length, int seed = 0)
    {
        var b = Cpu.Allocate(DType.Float32, length);
        var data = new float[length];
        var rng = new Random(seed + (int)length);
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        Cpu.Upload<float>(data, b);
        _buffers.Add(b);
        return b;
    }

    public virtual void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
    }
}

/// <summary>A chain of convolutions (one for dense / depthwise / 1x1, two for a separable conv).</summary>
internal sealed class ConvWorkload : Workload
{
    private readonly Conv2DDescriptor[] _stages;
    private readonly DeviceBuffer[] _act, _grad, _w, _dw;

    public ConvWorkload(string name, int size, params Conv2DDescriptor[] stages) : base(name, size)
    {
        _stages = stages;
        _act = new DeviceBuffer[stages.Length + 1];
        _grad = new DeviceBuffer[stages.Length + 1];
        _w = new DeviceBuffer[stages.Length];
        _dw = new DeviceBuffer[stages.Length];
        _act[0] = Buffer(stages[0].InputLength, 1);
        _grad[0] = Buffer(stages[0].InputLength, 2);
        for (int i = 0; i < stages.Length; i++)
        {
            _w[i] = Buffer(stages[i].WeightLength, 3 + i);
            _dw[i] = Buffer(stages[i].WeightLength, 5 + i);
            _act[i + 1] = Buffer(stages[i].OutputLength, 7 + i);
            _grad[i + 1] = Buffer(stages[i].OutputLength, 9 + i);
        }
    }

    public override double ForwardFlops => _stages.Sum(s => s.Flops);

    /// <summary>Per-stage kernel timings: (label, ms) for forward, backward-data and backward-filter.</summary>
    public IEnumerable<(string Label, double Ms)> Detail(int warmup, int runs)
    {
        for (int i = 0; i < _stages.Length; i++)
        {
            var d = _stages[i];
            int k = i;
            string tag = $"{d.R}x{d.S}{(d.IsDepthwise ? " dw" : "")}";
            yield return ($"{tag} fwd", Harness.MedianMs(() => Cpu.Conv2DForward(d, _act[k], _w[k], _act[k + 1]), warmup, runs));
            yield return ($"{tag} bwd-data", Harness.MedianMs(() => Cpu.Conv2DBackwardData(d, _grad[k + 1], _w[k], _grad[k]), warmup, runs));
            yield return ($"{tag} bwd-filter", Harness.MedianMs(() => Cpu.Conv2DBackwardFilter(d, _act[k], _grad[k + 1], _dw[k]), warmup, runs));
        }
    }

    public override void Forward()
    {
        for (int i = 0; i < _stages.Length; i++) Cpu.Conv2DForward(_stages[i], _act[i], _w[i], _act[i + 1]);
    }

    public override void ForwardBackward()
    {
        Forward();
        for (int i = _stages.Length - 1; i >= 0; i--)
        {
            Cpu.Conv2DBackwardFilter(_stages[i], _act[i], _grad[i + 1], _dw[i]);
            Cpu.Conv2DBackwardData(_stages[i], _grad[i + 1], _w[i], _grad[i]);
        }
    }
}

/// <summary>Max or average pooling 3x3, stride 1, pad 1.</summary>
internal sealed class PoolWorkload(string name, int size, Pool2DDescriptor d) : Workload(name, size)
{
    private readonly DeviceBuffer _x = CreateBuffer(d.InputLength), _y = CreateBuffer(d.OutputLength);
    private readonly DeviceBuffer _dy = CreateBuffer(d.OutputLength), _dx = CreateBuffer(d.InputLength);

    private static DeviceBuffer CreateBuffer(long n) => Cpu.Allocate(DType.Float32, n);

    public override double ForwardBytes => 4.0 * (d.InputLength + d.OutputLength);

    public override void Forward() => Cpu.Pool2DForward(d, _x, _y);

    public override void ForwardBackward()
    {
        Forward();
        Cpu.Pool2DBackward(d, _x, _y, _dy, _dx);
    }

    public override void Dispose()
    {
        _x.Dispose(); _y.Dispose(); _dy.Dispose(); _dx.Dispose();
    }
}

/// <summary>Training-mode batch norm with affine parameters and running statistics.</summary>
internal sealed class BatchNormWorkload : Workload
{
    private readonly BatchNormDescriptor _d;
    private readonly DeviceBuffer _x, _y, _dy, _dx, _gamma, _beta, _mean, _inv, _rm, _rv, _dg, _db;

    public BatchNormWorkload(int n, int c, int size) : base("batchnorm", size)
    {
        _d = new BatchNormDescriptor(n, c, size * size);
        _x = Buffer(_d.Length, 1); _y = Buffer(_d.Length, 2); _dy = Buffer(_d.Length, 3); _dx = Buffer(_d.Length, 4);
        _gamma = Buffer(c, 5); _beta = Buffer(c, 6); _mean = Buffer(c, 7); _inv = Buffer(c, 8);
        _rm = Buffer(c, 9); _rv = Buffer(c, 10); _dg = Buffer(c, 11); _db = Buffer(c, 12);
        Cpu.Fill(_rv, 0, c, 1);
    }

    public override double ForwardBytes => 4.0 * 2 * _d.Length;

    public override void Forward() =>
        Cpu.BatchNormForwardTraining(_d, _x, _gamma, _beta, _y, _mean, _inv, _rm, _rv);

    public override void ForwardBackward()
    {
        Forward();
        Cpu.BatchNormBackward(_d, _x, _dy, _gamma, _mean, _inv, _dx, _dg, _db);
    }
}

/// <summary>Elementwise ReLU.</summary>
internal sealed class ReluWorkload : Workload
{
    private readonly long _n;
    private readonly DeviceBuffer _x, _y, _dy, _dx;

    public ReluWorkload(long n, int size) : base("relu", size)
    {
        _n = n;
        _x = Buffer(n, 1); _y = Buffer(n, 2); _dy = Buffer(n, 3); _dx = Buffer(n, 4);
    }

    public override double ForwardBytes => 4.0 * 2 * _n;

    public override void Forward() => Cpu.Unary<Relu>(_x, _y, _n);

    public override void ForwardBackward()
    {
        Forward();
        Cpu.UnaryBackward<Relu>(_x, _y, _dy, _dx, _n);
    }
}

/// <summary>Square float32 GEMM (forward only).</summary>
internal sealed class GemmWorkload : Workload
{
    private readonly GemmDescriptor _d;
    private readonly DeviceBuffer _a, _b, _c;

    public GemmWorkload(int n) : base($"gemm {n}^3", n)
    {
        _d = new GemmDescriptor(false, false, n, n, n);
        _a = Buffer((long)n * n, 1); _b = Buffer((long)n * n, 2); _c = Buffer((long)n * n, 3);
    }

    public override string Key => Name;

    public override double ForwardFlops => _d.Flops;

    public override bool HasBackward => false;

    public override void Forward() => Cpu.Gemm(_d, _a, _b, _c);

    public override void ForwardBackward() => Forward();
}

/// <summary>conv 3x3 through the Tensor API and the tape (op overhead on top of the kernels).</summary>
internal sealed class EngineConvWorkload : Workload
{
    private readonly Parameter _x, _w;
    private readonly Tensor _seed;

    public EngineConvWorkload(int n, int c, int size) : base("engine conv3x3", size)
    {
        var rng = new Random(5);
        float[] Data(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        _x = Parameter.Create<float>("x", new Shape(n, c, size, size), Data((long)n * c * size * size));
        _w = Parameter.Create<float>("w", new Shape(c, c, 3, 3), Data((long)c * c * 9));
        _seed = Tensor.FromArray(Data((long)n * c * size * size), new Shape(n, c, size, size), persistent: true);
        ForwardFlops = 2.0 * n * c * size * size * c * 9;
    }

    public override double ForwardFlops { get; }

    public override void Forward()
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Tape.NoGrad();
        _x.Conv2D(_w, 1, 1);
    }

    public override void ForwardBackward()
    {
        using (var tape = Tape.Record())
        {
            var y = _x.Conv2D(_w, 1, 1);
            tape.Backward(y, _seed);
        }
        _x.ZeroGrad();
        _w.ZeroGrad();
    }

    public override void Dispose()
    {
        _x.Dispose(); _w.Dispose(); _seed.Dispose();
    }
}

/// <summary>
/// ReLU then a separable conv (depthwise k x k + 1x1), the chain every ENAS sep-conv runs: unfused (Unary&lt;Relu&gt;,
/// the conv kernels, UnaryBackward&lt;Relu&gt;) or with the ReLU fused into the depthwise kernels (IFusedKernels).
/// </summary>
internal sealed class ReluSepConvWorkload : Workload
{
    private readonly bool _fused;
    private readonly Conv2DDescriptor _dw, _pw;
    private readonly DeviceBuffer _x, _r, _dr, _dx, _wd, _wp, _dwd, _dwp, _m, _dm, _y, _dy;

    public ReluSepConvWorkload(int n, int c, int size, int k, bool fused)
        : base($"sep{k}x{k}-relu-{(fused ? "fused" : "unfused")}", size)
    {
        _fused = fused;
        _dw = new Conv2DDescriptor(n, c, size, size, c, k, k, 1, k / 2, c);
        _pw = new Conv2DDescriptor(n, c, size, size, c, 1, 1, 1, 0);
        long len = _dw.InputLength;
        _x = Buffer(len, 1); _r = Buffer(len, 2); _dr = Buffer(len, 3); _dx = Buffer(len, 4);
        _wd = Buffer(_dw.WeightLength, 5); _wp = Buffer(_pw.WeightLength, 6);
        _dwd = Buffer(_dw.WeightLength, 7); _dwp = Buffer(_pw.WeightLength, 8);
        _m = Buffer(len, 9); _dm = Buffer(len, 10); _y = Buffer(len, 11); _dy = Buffer(len, 12);
    }

    public override double ForwardFlops => _dw.Flops + _pw.Flops;

    private IFusedKernels Fused => (IFusedKernels)Cpu;

    public override void Forward()
    {
        if (_fused) Fused.ReluDepthwiseForward(_dw, _x, _wd, _m);
        else
        {
            Cpu.Unary<Relu>(_x, _r, _dw.InputLength);
            Cpu.Conv2DForward(_dw, _r, _wd, _m);
        }
        Cpu.Conv2DForward(_pw, _m, _wp, _y);
    }

    public override void ForwardBackward()
    {
        Forward();
        Cpu.Conv2DBackwardFilter(_pw, _m, _dy, _dwp);
        Cpu.Conv2DBackwardData(_pw, _dy, _wp, _dm);
        if (_fused)
        {
            Fused.ReluDepthwiseBackwardFilter(_dw, _x, _dm, _dwd);
            Fused.ReluDepthwiseBackwardData(_dw, _x, _dm, _wd, _dx);
            return;
        }
        Cpu.Conv2DBackwardFilter(_dw, _r, _dm, _dwd);
        Cpu.Conv2DBackwardData(_dw, _dm, _wd, _dr);
        Cpu.UnaryBackward<Relu>(_x, _r, _dr, _dx, _dw.InputLength);
    }
}
