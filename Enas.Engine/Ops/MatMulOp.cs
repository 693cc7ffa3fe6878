using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>c [M, N] = a [M, K] @ b [K, N] (either operand optionally transposed as stored); backward via GEMMs.</summary>
internal sealed class MatMulOp : Op
{
    private readonly Tensor _a;
    private readonly Tensor _b;
    private readonly bool _transA;
    private readonly bool _transB;

    private MatMulOp(Tensor a, Tensor b, bool transA, bool transB) =>
        (_a, _b, _transA, _transB) = (a, b, transA, transB);

    public override string Name => "MatMul";

    internal override (Tracing.OpDescription, Tensor[])? Describe() => (new Tracing.MatMulDescription(_transA, _transB), [_a, _b]);

    public static Tensor Apply(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        OpChecks.SameDeviceAndFloat("MatMul", a, b);
        OpChecks.Rank("MatMul", a, 2, "a");
        OpChecks.Rank("MatMul", b, 2, "b");
        int m = transposeA ? a.Shape[1] : a.Shape[0], ka = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0], n = transposeB ? b.Shape[0] : b.Shape[1];
        if (ka != kb)
            throw new ShapeMismatchException("MatMul",
                $"inner dimensions differ: a {a.Shape}{(transposeA ? "ᵀ" : "")} has {ka}, b {b.Shape}{(transposeB ? "ᵀ" : "")} has {kb}");
        var c = Tensor.EmptyLike(a, new Shape(m, n));
        a.Backend.Gemm(new GemmDescriptor(transposeA, transposeB, m, n, ka), a.Buffer, b.Buffer, c.Buffer);
        Tape.RecordIfNeeded(new MatMulOp(a, b, transposeA, transposeB), c, a, b);
        return c;
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        int m = gradOutput.Shape[0], n = gradOutput.Shape[1];
        int k = _transA ? _a.Shape[0] : _a.Shape[1];
        var backend = _a.Backend;
        if (GradientSink.Wants(_a))
        {
            var da = Tensor.EmptyLike(_a);
            // op(A) grad = dC @ op(B)^T  ([M, K]); stored A^T needs the transpose of that: op(B) @ dC^T.
            if (!_transA) backend.Gemm(new GemmDescriptor(false, !_transB, m, k, n), gradOutput.Buffer, _b.Buffer, da.Buffer);
            else backend.Gemm(new GemmDescriptor(_transB, true, k, m, n), _b.Buffer, gradOutput.Buffer, da.Buffer);
            sink.Accumulate(_a, da);
        }
        if (GradientSink.Wants(_b))
        {
            var db = Tensor.EmptyLike(_b);
            // op(B) grad = op(A)^T @ dC ([K, N]); stored B^T needs dC^T @ op(A).
            if (!_transB) backend.Gemm(new GemmDescriptor(!_transA, false, k, n, m), _a.Buffer, gradOutput.Buffer, db.Buffer);
            else backend.Gemm(new GemmDescriptor(true, _transA, n, k, m), gradOutput.Buffer, _a.Buffer, db.Buffer);
            sink.Accumulate(_b, db);
        }
    }
}
