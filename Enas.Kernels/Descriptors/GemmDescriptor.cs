namespace Enas.Kernels;

/// <summary>
/// Row-major (strided-batched) GEMM: for each batch b, C_b = Alpha * op(A_b) * op(B_b) + Beta * C_b, where op(A) is
/// [M, K], op(B) is [K, N] and C is [M, N]. Leading dimensions are row strides of the stored matrices (A stored
/// [M, K] or, transposed, [K, M]). Offsets and batch strides are in elements. Beta == 0 ignores C's old contents
/// (NaNs included).
/// </summary>
public readonly record struct GemmDescriptor(
    bool TransA, bool TransB, int M, int N, int K,
    float Alpha = 1f, float Beta = 0f,
    int Lda = 0, int Ldb = 0, int Ldc = 0,
    long OffsetA = 0, long OffsetB = 0, long OffsetC = 0,
    int BatchCount = 1, long StrideA = 0, long StrideB = 0, long StrideC = 0)
{
    /// <summary>Row stride of A as stored (defaults to the packed width).</summary>
    public int LeadingA => Lda > 0 ? Lda : (TransA ? M : K);

    /// <summary>Row stride of B as stored (defaults to the packed width).</summary>
    public int LeadingB => Ldb > 0 ? Ldb : (TransB ? K : N);

    /// <summary>Row stride of C (defaults to N).</summary>
    public int LeadingC => Ldc > 0 ? Ldc : N;

    /// <summary>Floating-point operations of the whole call.</summary>
    public double Flops => 2.0 * M * N * K * BatchCount;
}
