using Enas.Kernels;

namespace Enas.Tests.Reference;

/// <summary>Naive float64 strided-batched row-major GEMM, the truth for <see cref="GemmDescriptor"/>.</summary>
public static class ReferenceGemm
{
    /// <summary>c = alpha * op(a) * op(b) + beta * c for every batch; c is updated in place.</summary>
    public static void Run(in GemmDescriptor d, double[] a, double[] b, double[] c)
    {
        for (int batch = 0; batch < d.BatchCount; batch++)
        {
            long oa = d.OffsetA + batch * d.StrideA, ob = d.OffsetB + batch * d.StrideB;
            long oc = d.OffsetC + batch * d.StrideC;
            for (int i = 0; i < d.M; i++)
            for (int j = 0; j < d.N; j++)
            {
                double sum = 0;
                for (int p = 0; p < d.K; p++)
                {
                    double av = d.TransA ? a[oa + (long)p * d.LeadingA + i] : a[oa + (long)i * d.LeadingA + p];
                    double bv = d.TransB ? b[ob + (long)j * d.LeadingB + p] : b[ob + (long)p * d.LeadingB + j];
                    sum += av * bv;
                }
                long ci = oc + (long)i * d.LeadingC + j;
                c[ci] = d.Alpha * sum + (d.Beta == 0 ? 0 : d.Beta * c[ci]);
            }
        }
    }
}
