using Enas.Engine;
using Enas.Engine.Tracing;
using Enas.Kernels;

namespace Enas.Tests.Core;

public class GraphTraceTests
{
    private static Tensor Input() => Tensor.FromArray([.. Enumerable.Range(0, 2 * 2 * 4 * 4).Select(i => (float)Math.Cos(i))], new Shape(2, 2, 4, 4), persistent: true);

    [Fact]
    public void RecordsTheOpsOnTheInputsPathAndFoldsTheRestIntoConstants()
    {
        using var w = Parameter.Create<float>("w", new Shape(3, 2, 3, 3), [.. Enumerable.Range(0, 54).Select(i => i / 54f)]);
        using var mask = Tensor.FromArray([0f, 0, 0, 0, 1, 0, 0, 0, 0], new Shape(1, 1, 3, 3), persistent: true);
        using var x = Input();
        var g = GraphTrace.Record(x, t => t.Conv2D(w * mask, 2, 1).Relu().AvgPool2D(3, 1, 1).GlobalAvgPool2D());

        Assert.Equal(
            [typeof(ConvDescription), typeof(UnaryDescription), typeof(PoolDescription), typeof(ReduceDescription)],
            g.Nodes.Select(n => n.Op.GetType()));
        Assert.Equal(new ConvDescription(2, 1, 1), g.Nodes[0].Op);
        Assert.Equal(new PoolDescription(PoolKind.Average, 3, 1, 1), g.Nodes[2].Op);
        Assert.Equal(new ReduceDescription(ReduceKind.Mean, 2, 3, false), g.Nodes[3].Op);
        Assert.Equal(g.Input, g.Nodes[0].Inputs[0]);
        Assert.Equal(g.Output, g.Nodes[^1].Output);
        // The weight times the mask does not depend on the input: one constant holding the product, unnamed.
        var folded = g.Constants[g.Nodes[0].Inputs[1]];
        Assert.Null(folded.Name);
        Assert.Equal(w.ToFloatArray().Select((v, i) => i % 9 == 4 ? v : 0f), folded.Values);
        Assert.Equal(new Shape(2, 3), g.Shapes[g.Output]);
    }

    [Fact]
    public void NamesParametersAndSnapshotsBatchNormStatistics()
    {
        using var gamma = Parameter.Full("bn.gamma", new Shape(2), 2.0);
        using var beta = Parameter.Full("bn.beta", new Shape(2), 0.5);
        using var mean = Tensor.FromArray([0.25f, -1f], new Shape(2), persistent: true);
        using var var = Tensor.FromArray([4f, 9f], new Shape(2), persistent: true);
        using var x = Input();
        var g = GraphTrace.Record(x, t => t.BatchNorm2D(gamma, beta, mean, var, training: false, epsilon: 1e-3));

        var node = Assert.Single(g.Nodes);
        Assert.Equal(new BatchNormDescription(false, 1e-3), node.Op);
        Assert.Equal("bn.gamma", g.Constants[node.Inputs[1]].Name);
        Assert.Equal("bn.beta", g.Constants[node.Inputs[2]].Name);
        Assert.Equal([0.25f, -1f], g.Constants[node.Inputs[3]].Values);
        Assert.Equal([4f, 9f], g.Constants[node.Inputs[4]].Values);
    }

    [Fact]
    public void RefusesAPassThatUsesAnOpThatCannotDescribeItself()
    {
        using var x = Input();
        var e = Assert.Throws<NotSupportedException>(() => GraphTrace.Record(x, t => t.GlobalAvgPool2D().LogSoftmax().Relu()));
        Assert.Contains("LogSoftmax", e.Message);
        Assert.Throws<NotSupportedException>(() => GraphTrace.Record(x, t => t.GlobalAvgPool2D().LogSoftmax()));
    }

    [Fact]
    public void RefusesAResultThatDoesNotDependOnTheInput()
    {
        using var w = Parameter.Full("w", new Shape(2, 2), 1.0);
        using var x = Input();
        Assert.Throws<NotSupportedException>(() => GraphTrace.Record(x, _ => w.Relu()));
    }
}
