using System.Diagnostics;
using Enas.Kernels;

namespace Enas.Engine;

/// <summary>
/// A dense row-major tensor on one device (float32, float64 on the CPU, or int32 for indices). Created tensors belong
/// to the current <see cref="TensorScope"/> (a training step's tape) and are disposed with it; tensors created
/// outside any scope, and parameters, are owned by the caller. Reshape shares memory; everything else allocates.
/// Math lives in the partial files Tensor.*.cs as one-line forwarders to the ops in Ops/.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public partial class Tensor : IDisposable
{
    private readonly Storage _storage;
    private bool _disposed;

    internal Tensor(Storage storage, Shape shape, bool persistent)
    {
        if (storage.Buffer.Length < shape.ElementCount)
            throw new ArgumentException($"buffer of {storage.Buffer.Length} elements is too small for {shape}");
        _storage = storage;
        Shape = shape;
        if (!persistent && TensorScope.Current is { } scope)
        {
            Scope = scope;
            scope.Adopt(this);
        }
    }

    /// <summary>Dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>Element type.</summary>
    public DType DType => _storage.Buffer.DType;

    /// <summary>The backend holding the memory.</summary>
    public IBackend Backend => _storage.Buffer.Backend;

    /// <summary>The device holding the memory.</summary>
    public Device Device => Device.Of(Backend);

    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.ElementCount;

    /// <summary>Whether gradients flow to this tensor (parameters, and outputs of recorded ops).</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>True for tensors produced by an op on a tape (gradients are routed, not stored).</summary>
    internal bool IsTapeOutput { get; set; }

    /// <summary>
    /// Accumulated gradient of a leaf (parameter). Null when no gradient reached it since the last
    /// <c>ZeroGrad</c>: optimisers skip such parameters, which is what ENAS needs.
    /// </summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>The scope that will dispose this tensor, or null when the caller owns it.</summary>
    internal TensorScope? Scope { get; private set; }

    /// <summary>The device buffer (kernels read and write it).</summary>
    public DeviceBuffer Buffer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _storage.Buffer;
        }
    }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => _disposed;

    // ---- creation -------------------------------------------------------------------------------------------

    /// <summary>An uninitialised tensor (contents unspecified).</summary>
    public static Tensor Empty(Shape shape, DType dtype = DType.Float32, Device? device = null, bool persistent = false)
    {
        var backend = (device ?? Device.Cpu).Backend;
        if (dtype == DType.Float64 && !backend.SupportsFloat64)
            throw new DTypeMismatchException("Empty", $"device {backend.Name} does not support float64");
        return new Tensor(new Storage(backend.Allocate(dtype, shape.ElementCount)), shape, persistent);
    }

    /// <summary>A tensor on the same device and dtype as <paramref name="like"/>.</summary>
    public static Tensor EmptyLike(Tensor like, Shape? shape = null, bool persistent = false) =>
        new(new Storage(like.Backend.Allocate(like.DType, (shape ?? like.Shape).ElementCount)), shape ?? like.Shape,
            persistent);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32, Device? device = null,
        bool persistent = false)
    {
        var t = Empty(shape, dtype, device, persistent);
        t.Backend.Fill(t.Buffer, 0, t.ElementCount, value);
        return t;
    }

    /// <summary>Zeros.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32, Device? device = null,
        bool persistent = false) => Full(shape, 0, dtype, device, persistent);

    /// <summary>Zeros with <paramref name="like"/>'s device, dtype and (by default) shape.</summary>
    public static Tensor ZerosLike(Tensor like, Shape? shape = null, bool persistent = false)
    {
        var t = EmptyLike(like, shape, persistent);
        t.Backend.Fill(t.Buffer, 0, t.ElementCount, 0);
        return t;
    }

    /// <summary>Copies host data into a new tensor.</summary>
    public static Tensor FromArray<T>(ReadOnlySpan<T> data, Shape shape, Device? device = null,
        bool persistent = false) where T : unmanaged
    {
        if (data.Length != shape.ElementCount)
            throw new ShapeMismatchException("FromArray",
                $"{data.Length} values do not fill shape {shape} ({shape.ElementCount} elements)");
        var t = Empty(shape, DTypeExtensions.Of<T>(), device, persistent);
        t.Backend.Upload(data, t.Buffer);
        return t;
    }

    /// <summary>Copies host data into a new tensor.</summary>
    public static Tensor FromArray<T>(T[] data, Shape shape, Device? device = null, bool persistent = false)
        where T : unmanaged => FromArray<T>(data.AsSpan(), shape, device, persistent);

    /// <summary>A scalar tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) =>
        Full(Shape.Scalar, value, dtype, device);

    // ---- reading --------------------------------------------------------------------------------------------

    /// <summary>Copies the contents to a new host array (synchronises).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[ElementCount];
        Backend.Download<T>(Buffer, result);
        return result;
    }

    /// <summary>Copies the contents into <paramref name="destination"/>, which holds exactly
    /// <see cref="ElementCount"/> values of this tensor's element type (synchronises; no allocation).</summary>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        if (destination.Length != ElementCount || DTypeExtensions.Of<T>() != DType)
            throw new ShapeMismatchException("CopyTo",
                $"a {DTypeExtensions.Of<T>()} span of {destination.Length} cannot take {DType} tensor {Shape}");
        Backend.Download(Buffer, destination);
    }

    /// <summary>Float32 contents as a new array; float64 tensors are converted.</summary>
    public float[] ToFloatArray() => DType switch
    {
        DType.Float32 => ToArray<float>(),
        DType.Float64 => Array.ConvertAll(ToArray<double>(), v => (float)v),
        _ => Array.ConvertAll(ToArray<int>(), v => (float)v),
    };

    /// <summary>Contents as doubles (any dtype).</summary>
    public double[] ToDoubleArray() => DType switch
    {
        DType.Float64 => ToArray<double>(),
        DType.Float32 => Array.ConvertAll(ToArray<float>(), v => (double)v),
        _ => Array.ConvertAll(ToArray<int>(), v => (double)v),
    };

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (ElementCount != 1)
            throw new InvalidOperationException($"Item() needs a one-element tensor, got shape {Shape}");
        return ToDoubleArray()[0];
    }

    // ---- lifetime -------------------------------------------------------------------------------------------

    /// <summary>
    /// A caller-owned view of the same memory that no scope will dispose and that carries no gradient (e.g. an RNN
    /// state kept across batches). Dispose it yourself.
    /// </summary>
    public Tensor Persist()
    {
        _storage.AddReference();
        return new Tensor(_storage, Shape, persistent: true);
    }

    /// <summary>A view sharing memory, without gradient tracking, owned by the current scope.</summary>
    public Tensor Detach()
    {
        _storage.AddReference();
        return new Tensor(_storage, Shape, persistent: false);
    }

    /// <summary>A view with another shape of the same element count (no copy; not recorded).</summary>
    internal Tensor View(Shape shape)
    {
        if (shape.ElementCount != ElementCount)
            throw new ShapeMismatchException("Reshape", $"cannot view {Shape} ({ElementCount} elements) as {shape}");
        _storage.AddReference();
        return new Tensor(_storage, shape, persistent: false);
    }

    /// <summary>Returns the memory to the pool (when no view still uses it). Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Scope = null;
        _storage.Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes this tensor from its scope: the caller now owns it.</summary>
    internal void ReleaseFromScope() => Scope = null;

    /// <inheritdoc />
    public override string ToString() =>
        $"Tensor{Shape} {DType.ShortName()} {Device}{(RequiresGrad ? " grad" : "")}{(_disposed ? " disposed" : "")}";
}
