using Enas.Engine;
using Enas.Engine.Tracing;
using Enas.Search.Export;
using Enas.Search.Export.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace Enas.Tests.Export;

/// <summary>The translations the ENAS networks do not use today (other activations, ScaleShift, broadcasting binary
/// ops, reductions over other axes, Reshape, Gemm without a transpose) agree with the engine in ONNX Runtime too.</summary>
public sealed class OnnxOpTranslationTests
{
    [Fact]
    public void EveryTranslatedOpMatchesTheEngine()
    {
        using var bias = Tensor.FromArray([0.5f, -1f, 2f], new Shape(1, 3, 1, 1), persistent: true);
        using var w = Parameter.Create<float>("w", new Shape(4, 5), [.. Enumerable.Range(0, 20).Select(i => (float)Math.Sin(i))]);
        Tensor Forward(Tensor x)
        {
            var a = (x * 2.0 + 1.0).Tanh() - x.Sigmoid();                       // ScaleShift, Tanh, Sigmoid, Subtract
            var b = a / (x.Square() + bias.Relu() + 3.0);                        // Square, broadcast Add, Divide
            var c = (-b).Exp().Log() * b;                                        // Negate, Exp, Log, Multiply
            var pooled = c.Max(3, 3, keepDims: true).Sum(2, 3);                  // ReduceMax (kept), ReduceSum
            var flat = Tensor.Concat([pooled, pooled.Mean(1, 1, keepDims: true).Reshape(pooled.Shape[0], 1, 1).Reshape(pooled.Shape[0], 1)], 1);
            return flat.Reshape(flat.Shape[0], 2, 2).Reshape(flat.Shape[0], 4).MatMul(w * 0.5); // a parameter-only op: folded into a constant
        }
        using var probe = Input(2);
        var trace = GraphTrace.Record(probe, Forward);
        var bytes = Model(trace, [null, 3, 4, 4], [null, 5]);
        using var session = new InferenceSession(bytes);
        foreach (int n in new[] { 2, 5 })
        {
            using var x = Input(n);
            float[] engine;
            using (TensorScope.Begin()) engine = Forward(x).ToFloatArray();
            var onnx = OnnxOracle.Run(session, x.ToFloatArray(), n, 3, 4);
            var (_, maxRel) = OnnxOracle.Compare(engine, onnx, 5);
            Assert.True(maxRel <= 1e-5, $"batch {n}: {maxRel:E2}");
        }
    }

    private static Tensor Input(int n) =>
        Tensor.FromArray([.. Enumerable.Range(0, n * 48).Select(i => (float)Math.Cos(0.7 * i))], new Shape(n, 3, 4, 4), persistent: true);

    /// <summary>The trace as a bare ONNX model: input "images", output "logits", no normalisation or metadata.</summary>
    private static byte[] Model(TracedGraph trace, int?[] inputDims, int?[] outputDims)
    {
        var g = new OnnxGraphBuilder();
        g.UniqueName(OnnxExporter.InputName);
        new OnnxNodeEmitter(trace, g, OnnxExporter.InputName).EmitAll(OnnxExporter.OutputName);
        g.Graph.Input.Add(OnnxGraphBuilder.TensorInfo(OnnxExporter.InputName, inputDims));
        g.Graph.Output.Add(OnnxGraphBuilder.TensorInfo(OnnxExporter.OutputName, outputDims));
        var model = new ModelProto { IrVersion = OnnxExporter.IrVersion, Graph = g.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = OnnxExporter.Opset });
        return model.ToByteArray();
    }
}
