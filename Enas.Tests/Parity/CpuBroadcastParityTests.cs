using Enas.Kernels;
using Enas.Tests.Infrastructure;
using static Enas.Tests.Parity.KernelHarness;

namespace Enas.Tests.Parity;

/// <summary>The row-wise broadcast paths of Binary, BinaryBackward and SumToBroadcastOperand against naive loops.</summary>
public class CpuBroadcastParityTests
{
    public static TheoryData<int[], int[], DType> Cases()
    {
        int[][][] pairs =
        [
            [[3, 5, 4, 7], [1, 5, 1, 1]],   // per channel
            [[1, 5, 4, 7], [5, 1, 1]],      // per channel, lower rank
            [[6, 37], [37]],                // per row (bias)
            [[6, 37], [6, 1]],              // per example
            [[2, 1, 4], [1, 3, 1]],         // both broadcast
            [[2, 3, 4], [2, 3, 4]],         // same shape
            [[1, 3, 1, 5], [2, 1, 4, 1]],   // interleaved
            [[33], []],                     // scalar
            [[4, 1], [1, 1]],
        ];
        var data = new TheoryData<int[], int[], DType>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var p in pairs)
            {
                data.Add(p[0], p[1], dtype);
                if (!p[0].AsSpan().SequenceEqual(p[1])) data.Add(p[1], p[0], dtype); // same shapes: swapping repeats the case
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveBroadcast(int[] shapeA, int[] shapeB, DType dtype)
    {
        Span<int> outDims = stackalloc int[4];
        var desc = BroadcastDescriptor.Create(shapeA, shapeB, outDims)!.Value;
        int rank = Math.Max(shapeA.Length, shapeB.Length);
        var outShape = outDims[..rank].ToArray();
        int count = (int)desc.Length;
        var aData = Seeds.Uniform(Product(shapeA), 1, 0.5, 2);
        var bData = Seeds.Uniform(Product(shapeB), 2, 0.5, 2);
        var gData = Seeds.Uniform(count, 3);
        var (sa, sb, sg) = (AsSeen(aData, dtype), AsSeen(bData, dtype), AsSeen(gData, dtype));
        using var a = Upload(aData, dtype);
        using var b = Upload(bData, dtype);
        using var g = Upload(gData, dtype);
        string ctx = $"{dtype} [{string.Join(",", shapeA)}] op [{string.Join(",", shapeB)}]";
        var (atol, rtol) = Tolerance(dtype, 1e-6, 1e-6);
        Check<Add>((x, y) => x + y, (x, y, d) => d, (x, y, d) => d);
        Check<Subtract>((x, y) => x - y, (x, y, d) => d, (x, y, d) => -d);
        Check<Multiply>((x, y) => x * y, (x, y, d) => d * y, (x, y, d) => d * x);
        Check<Divide>((x, y) => x / y, (x, y, d) => d / y, (x, y, d) => -d * x / (y * y));

        // Sum of the full-size gradient back to A's shape.
        using var reduced = Empty(dtype, Product(shapeA));
        Cpu.SumToBroadcastOperand(desc, g, reduced);
        var expectedSum = new double[Product(shapeA)];
        for (int i = 0; i < count; i++) expectedSum[Offset(i, outShape, shapeA)] += sg[i];
        TensorAssert.Close(expectedSum, Download(reduced), atol * 10, rtol * 10, ctx + " sum to operand");

        void Check<TOp>(Func<double, double, double> f, Func<double, double, double, double> fa,
            Func<double, double, double, double> fb) where TOp : struct, IBinaryOp
        {
            using var c = Empty(dtype, count);
            using var da = Empty(dtype, count);
            using var db = Empty(dtype, count);
            Cpu.Binary<TOp>(desc, a, b, c);
            Cpu.BinaryBackward<TOp>(desc, a, b, g, da, db);
            var (ec, eda, edb) = (new double[count], new double[count], new double[count]);
            for (int i = 0; i < count; i++)
            {
                double x = sa[Offset(i, outShape, shapeA)], y = sb[Offset(i, outShape, shapeB)];
                (ec[i], eda[i], edb[i]) = (f(x, y), fa(x, y, sg[i]), fb(x, y, sg[i]));
            }
            TensorAssert.Close(ec, Download(c), atol, rtol, $"{ctx} {TOp.Name} forward");
            TensorAssert.Close(eda, Download(da), atol, rtol, $"{ctx} {TOp.Name} da");
            TensorAssert.Close(edb, Download(db), atol, rtol, $"{ctx} {TOp.Name} db");
            using var onlyB = Empty(dtype, count);
            Cpu.BinaryBackward<TOp>(desc, a, b, g, null, onlyB);
            TensorAssert.Close(edb, Download(onlyB), atol, rtol, $"{ctx} {TOp.Name} db alone");
        }
    }

    private static int Product(int[] shape)
    {
        int p = 1;
        foreach (int d in shape) p *= d;
        return p;
    }

    /// <summary>Flat index into an operand of output element i (numpy broadcasting, right-aligned).</summary>
    private static int Offset(int i, int[] outShape, int[] operand)
    {
        int offset = 0, stride = 1;
        for (int axis = outShape.Length - 1; axis >= 0; axis--)
        {
            int coordinate = i % outShape[axis];
            i /= outShape[axis];
            int k = axis - (outShape.Length - operand.Length);
            if (k < 0) continue;
            if (operand[k] != 1) offset += coordinate * stride;
            stride *= operand[k];
        }
        return offset;
    }
}
