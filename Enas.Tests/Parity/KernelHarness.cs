using Enas.Kernels;
using Enas.Kernels.Cpu;

namespace Enas.Tests.Parity;

/// <summary>Uploads test data to CPU backend buffers of a chosen dtype and reads results back as doubles.</summary>
internal static class KernelHarness
{
    public static CpuBackend Cpu => CpuBackend.Instance;

    public static DeviceBuffer Upload(double[] data, DType dtype)
    {
        var buffer = Cpu.Allocate(dtype, data.Length);
        if (dtype == DType.Float64) Cpu.Upload<double>(data, buffer);
        else Cpu.Upload<float>(Array.ConvertAll(data, v => (float)v), buffer);
        return buffer;
    }

    public static DeviceBuffer UploadIndices(int[] data)
    {
        var buffer = Cpu.Allocate(DType.Int32, data.Length);
        Cpu.Upload<int>(data, buffer);
        return buffer;
    }

    public static DeviceBuffer Empty(DType dtype, long length, double fill = double.NaN)
    {
        var buffer = Cpu.Allocate(dtype, length);
        Cpu.Fill(buffer, 0, length, fill); // NaN: any element a kernel forgets to write fails the comparison
        return buffer;
    }

    public static double[] Download(DeviceBuffer buffer)
    {
        if (buffer.DType == DType.Float64)
        {
            var d = new double[buffer.Length];
            Cpu.Download<double>(buffer, d);
            return d;
        }
        var f = new float[buffer.Length];
        Cpu.Download<float>(buffer, f);
        return Array.ConvertAll(f, v => (double)v);
    }

    /// <summary>Values as the kernel sees them (rounded to float32 for Float32 runs), for the reference.</summary>
    public static double[] AsSeen(double[] data, DType dtype) =>
        dtype == DType.Float64 ? data : Array.ConvertAll(data, v => (double)(float)v);

    /// <summary>(atol, rtol) scaled for the dtype.</summary>
    public static (double Atol, double Rtol) Tolerance(DType dtype, double f32Atol = 1e-5, double f32Rtol = 1e-5) =>
        dtype == DType.Float64 ? (1e-11, 1e-11) : (f32Atol, f32Rtol);
}
