namespace Enas.Kernels.Gpu;

/// <summary>
/// Group sizes of the explicitly grouped ILGPU kernels. CUDA uses the defaults; tests on ILGPU's CPU accelerator use
/// <see cref="SmallGroups"/>, because the emulator runs every group thread as an OS thread (16 at most by default)
/// and each barrier costs ~150 us there.
/// </summary>
/// <param name="ReduceGroupSize">Threads per group of the per-row/per-channel reduction kernels (BN, softmax,
/// depthwise filter gradient, squared norm). Any value >= 1 works; powers of two are fastest.</param>
/// <param name="GemmGroupSide">Side of the square thread group of the tiled GEMM/implicit-GEMM kernels; each thread
/// computes a 4x4 register block, so a block tile is (4 * side) squared.</param>
/// <param name="GemmTileK">Depth of one shared-memory K tile of the tiled GEMM.</param>
/// <param name="NormGroups">Groups of the squared-norm partial-sum kernel.</param>
/// <param name="SplitKMinChunk">Convolution backward-filter reduces over N * OH * OW pixels; it is split across
/// groups (atomic adds) only when every split gets at least this many pixels.</param>
/// <param name="UseTiledKernels">False selects the naive one-thread-per-output GEMM and convolution kernels (the
/// validated fallback).</param>
public readonly record struct IlgpuLaunchOptions(
    int ReduceGroupSize, int GemmGroupSide, int GemmTileK, int NormGroups, int SplitKMinChunk = 1024,
    bool UseTiledKernels = true)
{
    /// <summary>Sizes for a real GPU: 256-thread reductions, 16x16 GEMM groups (64x64 tiles), K tile 16.</summary>
    public static IlgpuLaunchOptions Gpu => new(256, 16, 16, 256);

    /// <summary>Sizes for the CPU accelerator in tests: 8-thread reductions, 2x2 GEMM groups (8x8 tiles), K tile 4,
    /// split-K from 64 pixels per split.</summary>
    public static IlgpuLaunchOptions SmallGroups => new(8, 2, 4, 4, SplitKMinChunk: 64);
}
