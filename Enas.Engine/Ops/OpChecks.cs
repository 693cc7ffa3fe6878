using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>Shared argument checks for op front ends. Messages name the op and the shapes involved.</summary>
internal static class OpChecks
{
    /// <summary>All tensors on one backend and of one floating dtype.</summary>
    public static void SameDeviceAndFloat(string op, params ReadOnlySpan<Tensor> tensors)
    {
        var first = tensors[0];
        foreach (var t in tensors)
        {
            ObjectDisposedException.ThrowIf(t.IsDisposed, t);
            if (!ReferenceEquals(t.Backend, first.Backend))
                throw new DeviceMismatchException(op,
                    $"tensors are on different devices ({first.Device} {first.Shape} and {t.Device} {t.Shape})");
            if (t.DType != first.DType)
                throw new DTypeMismatchException(op,
                    $"tensors have different dtypes ({first.DType.ShortName()} {first.Shape} and {t.DType.ShortName()} {t.Shape})");
        }
        if (first.DType == DType.Int32)
            throw new DTypeMismatchException(op, $"needs floating-point tensors, got i32 {first.Shape}");
    }

    /// <summary>Throws unless <paramref name="t"/> has rank <paramref name="rank"/>.</summary>
    public static void Rank(string op, Tensor t, int rank, string what)
    {
        if (t.Shape.Rank != rank)
            throw new ShapeMismatchException(op, $"{what} must have rank {rank}, got shape {t.Shape}");
    }

    /// <summary>Throws unless <paramref name="t"/> is an int32 tensor on <paramref name="like"/>'s device.</summary>
    public static void Indices(string op, Tensor t, Tensor like)
    {
        if (t.DType != DType.Int32)
            throw new DTypeMismatchException(op, $"indices must be i32, got {t.DType.ShortName()} {t.Shape}");
        if (!ReferenceEquals(t.Backend, like.Backend))
            throw new DeviceMismatchException(op, $"indices are on {t.Device} but data is on {like.Device}");
    }
}
