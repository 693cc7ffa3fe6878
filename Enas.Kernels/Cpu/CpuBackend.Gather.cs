namespace Enas.Kernels.Cpu;

// Row gather and scatter-add (embedding lookup and its gradient). ScatterAdd runs sequentially over the index list:
// repeated indices add into the same table row, so a parallel split over indices would race, and the rows involved
// (controller embeddings, cross-entropy picks) are small.
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void Gather(DeviceBuffer table, DeviceBuffer indices, DeviceBuffer output, int count, int rowLength)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Gather", (long)count * rowLength);
        if (table.DType == DType.Float64) Gather<double>(table, indices, output, count, rowLength);
        else Gather<float>(table, indices, output, count, rowLength);
    }

    /// <inheritdoc />
    public void ScatterAdd(DeviceBuffer values, DeviceBuffer indices, DeviceBuffer table, int count, int rowLength)
    {
        using var profile = Diagnostics.KernelEvents.Scope("ScatterAdd", (long)count * rowLength);
        if (table.DType == DType.Float64) ScatterAdd<double>(values, indices, table, count, rowLength);
        else ScatterAdd<float>(values, indices, table, count, rowLength);
    }

    private static void Gather<T>(DeviceBuffer table, DeviceBuffer indices, DeviceBuffer output, int count,
        int rowLength) where T : unmanaged
    {
        var src = View<T>(table);
        var dst = View<T>(output);
        var idx = View<int>(indices);
        for (int i = 0; i < count; i++)
            src.Slice(idx[i] * rowLength, rowLength).CopyTo(dst.Slice(i * rowLength, rowLength));
    }

    private static void ScatterAdd<T>(DeviceBuffer values, DeviceBuffer indices, DeviceBuffer table, int count,
        int rowLength) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        var src = View<T>(values);
        var dst = View<T>(table);
        var idx = View<int>(indices);
        for (int i = 0; i < count; i++)
        {
            var row = dst.Slice(idx[i] * rowLength, rowLength);
            System.Numerics.Tensors.TensorPrimitives.Add<T>(row, src.Slice(i * rowLength, rowLength), row);
        }
    }
}
