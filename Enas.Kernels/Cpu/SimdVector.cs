using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Enas.Kernels.Cpu;

/// <summary>
/// A width-generic SIMD vector, so a CPU kernel is written once and instantiated for Vector512 (AVX-512),
/// Vector256 (AVX2) or Vector128 (everything else). Kernels pick the width with <see cref="SimdWidth"/>; every
/// member is a thin, inlined forwarder, so the JIT emits the same code as hand-written intrinsics.
/// </summary>
internal interface ISimdVector<TSelf, T> where TSelf : struct, ISimdVector<TSelf, T> where T : unmanaged
{
    /// <summary>Lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Unaligned load of Count elements from source[offset..].</summary>
    static abstract TSelf Load(ref T source, nint offset);

    /// <summary>Unaligned store to destination[offset..].</summary>
    static abstract void Store(TSelf value, ref T destination, nint offset);

    /// <summary>All lanes set to <paramref name="value"/>.</summary>
    static abstract TSelf Splat(T value);

    /// <summary>All lanes zero (also the all-false mask).</summary>
    static abstract TSelf Zero { get; }

    static abstract TSelf Add(TSelf a, TSelf b);

    static abstract TSelf Subtract(TSelf a, TSelf b);

    static abstract TSelf Multiply(TSelf a, TSelf b);

    /// <summary>Platform maximum (no NaN fix-ups).</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>All-ones lanes where a == b.</summary>
    static abstract TSelf Equal(TSelf a, TSelf b);

    /// <summary>a &amp; ~b.</summary>
    static abstract TSelf AndNot(TSelf a, TSelf b);

    static abstract TSelf Or(TSelf a, TSelf b);

    /// <summary>mask ? a : b, lane by lane (mask lanes all-ones or all-zeros).</summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);

    /// <summary>Sum of the lanes.</summary>
    static abstract T Sum(TSelf a);
}

/// <summary>Which SIMD width the CPU kernels use on this machine.</summary>
internal static class SimdWidth
{
    /// <summary>512-bit vectors are accelerated.</summary>
    public static bool Use512 => Vector512.IsHardwareAccelerated;

    /// <summary>256-bit vectors are accelerated (and 512 is not).</summary>
    public static bool Use256 => !Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated;
}

internal readonly struct Simd512<T> : ISimdVector<Simd512<T>, T> where T : unmanaged
{
    private readonly Vector512<T> _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd512(Vector512<T> v) => _v = v;

    public static int Count => Vector512<T>.Count;

    public static Simd512<T> Zero => new(Vector512<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Load(ref T source, nint offset) => new(Vector512.LoadUnsafe(ref source, (nuint)offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512<T> value, ref T destination, nint offset) =>
        value._v.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Splat(T value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Add(Simd512<T> a, Simd512<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Subtract(Simd512<T> a, Simd512<T> b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Multiply(Simd512<T> a, Simd512<T> b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Max(Simd512<T> a, Simd512<T> b) => new(Vector512.MaxNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Equal(Simd512<T> a, Simd512<T> b) => new(Vector512.Equals(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> AndNot(Simd512<T> a, Simd512<T> b) => new(Vector512.AndNot(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Or(Simd512<T> a, Simd512<T> b) => new(a._v | b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Select(Simd512<T> mask, Simd512<T> a, Simd512<T> b) =>
        new(Vector512.ConditionalSelect(mask._v, a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Simd512<T> a) => Vector512.Sum(a._v);
}

internal readonly struct Simd256<T> : ISimdVector<Simd256<T>, T> where T : unmanaged
{
    private readonly Vector256<T> _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd256(Vector256<T> v) => _v = v;

    public static int Count => Vector256<T>.Count;

    public static Simd256<T> Zero => new(Vector256<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Load(ref T source, nint offset) => new(Vector256.LoadUnsafe(ref source, (nuint)offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256<T> value, ref T destination, nint offset) =>
        value._v.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Splat(T value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Add(Simd256<T> a, Simd256<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Subtract(Simd256<T> a, Simd256<T> b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Multiply(Simd256<T> a, Simd256<T> b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Max(Simd256<T> a, Simd256<T> b) => new(Vector256.MaxNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Equal(Simd256<T> a, Simd256<T> b) => new(Vector256.Equals(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> AndNot(Simd256<T> a, Simd256<T> b) => new(Vector256.AndNot(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Or(Simd256<T> a, Simd256<T> b) => new(a._v | b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Select(Simd256<T> mask, Simd256<T> a, Simd256<T> b) =>
        new(Vector256.ConditionalSelect(mask._v, a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Simd256<T> a) => Vector256.Sum(a._v);
}

internal readonly struct Simd128<T> : ISimdVector<Simd128<T>, T> where T : unmanaged
{
    private readonly Vector128<T> _v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd128(Vector128<T> v) => _v = v;

    public static int Count => Vector128<T>.Count;

    public static Simd128<T> Zero => new(Vector128<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Load(ref T source, nint offset) => new(Vector128.LoadUnsafe(ref source, (nuint)offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128<T> value, ref T destination, nint offset) =>
        value._v.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Splat(T value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Add(Simd128<T> a, Simd128<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Subtract(Simd128<T> a, Simd128<T> b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Multiply(Simd128<T> a, Simd128<T> b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Max(Simd128<T> a, Simd128<T> b) => new(Vector128.MaxNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Equal(Simd128<T> a, Simd128<T> b) => new(Vector128.Equals(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> AndNot(Simd128<T> a, Simd128<T> b) => new(Vector128.AndNot(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Or(Simd128<T> a, Simd128<T> b) => new(a._v | b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Select(Simd128<T> mask, Simd128<T> a, Simd128<T> b) =>
        new(Vector128.ConditionalSelect(mask._v, a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Simd128<T> a) => Vector128.Sum(a._v);
}
