using System.Reflection;
using Enas.Kernels;
using Enas.Kernels.Gpu;
using Enas.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Enas.Tests.Gpu;

/// <summary>
/// Compiles every ILGPU kernel to PTX for an H100/H200 (sm_90, PTX ISA 8.8 as chosen for driver 13.0) without a
/// GPU, so CUDA-only compile failures (unsupported MathF/XMath calls, static abstract members, float atomics,
/// dynamic shared memory) show up in CI. It does not run the code: numerical checks on CUDA are in
/// <see cref="IlgpuCudaParityTests"/>.
/// </summary>
public sealed class PtxCompilationTests : IDisposable
{
    private readonly Context _context;

    public PtxCompilationTests()
    {
        // Install the libcuda.so.1 resolver before ILGPU's first CUDA probe: ILGPU caches the outcome per process,
        // so a probe without it would hide the GPU from the CUDA parity tests on libcuda.so.1-only hosts.
        GpuRuntime.Initialize();
        _context = Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
    }

    public void Dispose() => _context.Dispose();

    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var name in KernelMethods().Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void KernelCompilesToPtxForSm90(string name)
    {
        var (method, explicitlyGrouped) = KernelMethods()[name];
        using var backend = new PTXBackend(_context, new CudaCapabilityContext(CudaArchitecture.SM_90),
            CudaArchitecture.SM_90, CudaInstructionSet.ISA_88, null);
        var entry = explicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        Assert.Contains(".entry", compiled.PTXAssembly);
        Assert.Contains(".target sm_", compiled.PTXAssembly);
        // No silent double precision (a Math.* call or a double literal would show up as .f64 instructions).
        Assert.DoesNotContain(".f64", compiled.PTXAssembly);
        if (explicitlyGrouped && name.Contains("Tiled")) Assert.Contains("bar.sync", compiled.PTXAssembly);
        if (name.Contains("GpuTanh")) Assert.DoesNotContain("tanh.approx", compiled.PTXAssembly);
        string? dump = Environment.GetEnvironmentVariable("ENAS_PTX_DUMP");
        if (!string.IsNullOrEmpty(dump))
        {
            Directory.CreateDirectory(dump);
            File.WriteAllText(Path.Combine(dump, name.Replace('<', '_').Replace('>', '_') + ".ptx"), compiled.PTXAssembly);
        }
    }

    private static Dictionary<string, (MethodInfo Method, bool Explicit)> KernelMethods()
    {
        var map = new Dictionary<string, (MethodInfo, bool)>();
        void Add(Type type, string method, bool isExplicit, params Type[] generic)
        {
            var m = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
            if (generic.Length > 0) m = m.MakeGenericMethod(generic);
            string key = type.Name + "." + method + (generic.Length > 0 ? "<" + generic[0].Name + ">" : "");
            map[key] = (m, isExplicit);
        }
        foreach (var op in new[] { typeof(Relu), typeof(Tanh), typeof(Sigmoid), typeof(Exp), typeof(Log), typeof(Negate), typeof(Square) })
        {
            Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Unary), false, op);
            Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.UnaryBackward), false, op);
        }
        foreach (var op in new[] { typeof(Add), typeof(Subtract), typeof(Multiply), typeof(Divide) })
        {
            Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Binary), false, op);
            Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.BinaryBackward), false, op);
        }
        Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Unary), false, typeof(GpuTanh));
        Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.BinarySame), false, typeof(Add));
        foreach (var m in new[] { "ScaleShift", "Axpy", "FillFloat", "FillInt", "CopyStrided" })
            Add(typeof(ElementwiseKernels), m, false);
        Add(typeof(ReduceKernels), nameof(ReduceKernels.Reduce), false);
        Add(typeof(ReduceKernels), nameof(ReduceKernels.ReduceBackward), false);
        Add(typeof(ReduceKernels), nameof(ReduceKernels.SumToOperand), false);
        Add(typeof(ReduceKernels), nameof(ReduceKernels.ReduceRows), true);
        Add(typeof(ReduceKernels), nameof(ReduceKernels.SquaredNormPartial), true);
        foreach (var problem in new[] { typeof(GemmProblem), typeof(ConvForwardProblem), typeof(ConvBackwardDataProblem), typeof(ConvBackwardFilterProblem) })
        {
            Add(typeof(TiledGemmKernels), nameof(TiledGemmKernels.Tiled), true, problem);
            Add(typeof(TiledGemmKernels), nameof(TiledGemmKernels.Naive), false, problem);
        }
        Add(typeof(DepthwiseKernels), nameof(DepthwiseKernels.Forward), false);
        Add(typeof(DepthwiseKernels), nameof(DepthwiseKernels.BackwardData), false);
        Add(typeof(DepthwiseKernels), nameof(DepthwiseKernels.BackwardFilter), true);
        Add(typeof(PoolKernels), nameof(PoolKernels.Forward), false);
        Add(typeof(PoolKernels), nameof(PoolKernels.Backward), false);
        Add(typeof(NormKernels), nameof(NormKernels.BatchStats), true);
        Add(typeof(NormKernels), nameof(NormKernels.Normalize), false);
        Add(typeof(NormKernels), nameof(NormKernels.Inference), false);
        Add(typeof(NormKernels), nameof(NormKernels.BackwardStats), true);
        Add(typeof(NormKernels), nameof(NormKernels.BackwardData), false);
        Add(typeof(NormKernels), nameof(NormKernels.LogSoftmax), true);
        Add(typeof(NormKernels), nameof(NormKernels.LogSoftmaxBackward), true);
        foreach (var act in new[] { typeof(GpuTanh), typeof(Relu), typeof(Identity), typeof(Sigmoid) })
        {
            Add(typeof(HighwayKernels), nameof(HighwayKernels.Forward), false, act);
            Add(typeof(HighwayKernels), nameof(HighwayKernels.BackwardPre), false, act);
        }
        Add(typeof(HighwayKernels), nameof(HighwayKernels.BackwardPrev), false);
        Add(typeof(MiscKernels), nameof(MiscKernels.Gather), false);
        Add(typeof(MiscKernels), nameof(MiscKernels.ScatterAdd), false);
        Add(typeof(MiscKernels), nameof(MiscKernels.Sgd), false);
        Add(typeof(MiscKernels), nameof(MiscKernels.Adam), false);
        return map;
    }
}
