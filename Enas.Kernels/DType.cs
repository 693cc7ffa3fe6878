namespace Enas.Kernels;

/// <summary>Element type of a device buffer. Float64 exists on the CPU only (for gradient checks).</summary>
public enum DType
{
    /// <summary>32-bit IEEE float: the training type on every backend.</summary>
    Float32,
    /// <summary>64-bit IEEE float: CPU only, used by finite-difference gradient checks.</summary>
    Float64,
    /// <summary>32-bit signed integer: labels and gather indices.</summary>
    Int32,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Size of one element in bytes.</summary>
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The dtype that stores <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        throw new NotSupportedException($"no dtype for {typeof(T).Name}; use float, double or int");
    }

    /// <summary>Short lower-case name used in messages: f32, f64, i32.</summary>
    public static string ShortName(this DType dtype) => dtype switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        DType.Int32 => "i32",
        _ => dtype.ToString(),
    };
}
