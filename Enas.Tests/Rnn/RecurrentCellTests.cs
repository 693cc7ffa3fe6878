using Enas.Engine;
using Enas.Kernels;
using Enas.Search.Network.Recurrent;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

public class RecurrentCellTests
{
    // node 0 tanh; 1 relu(0); 2 identity(0); 3 sigmoid(1); 4 tanh(1) -> loose ends 2, 3, 4 (all four activations)
    private const string Arc = "0 0 1 0 2 1 3 1 0";

    private static (RnnSpace Space, RnnCellSpec Cell) Cell()
    {
        var s = new RnnSpace(5);
        return (s, s.Decode(Architecture.ParseOfficial(s, Arc)));
    }

    private static Parameter P(string name, int seed, params int[] shape) =>
        Parameter.Create<double>(name, new Shape(shape), Seeds.Uniform((int)new Shape(shape).ElementCount, seed));

    [Fact]
    public void OneStepMatchesAHandComputedReference()
    {
        var (_, cell) = Cell();
        using var bank = new RnnWeightBank(5, 3, 2, 0.5, new Random(1), DType.Float64);
        var x = P("x", 2, 1, 3);
        var h = P("h", 3, 1, 2);
        using var y = new RecurrentCell(cell, bank).Step(new RecurrentCell(cell, bank).ProjectInput(x), h, bank.Recurrent);

        double[] Row(double[] v, Parameter w) // v [k] @ w [k, 4]
        {
            var wv = w.ToDoubleArray();
            var r = new double[4];
            for (int j = 0; j < 4; j++) for (int k = 0; k < v.Length; k++) r[j] += v[k] * wv[k * 4 + j];
            return r;
        }
        double Sig(double v) => 1 / (1 + Math.Exp(-v));
        double[] Hw(double[] pre, double[] prev, Func<double, double> f) =>
            [.. Enumerable.Range(0, 2).Select(i => prev[i] + Sig(pre[i]) * (f(pre[2 + i]) - prev[i]))];
        var hv = h.ToDoubleArray();
        var p0 = Row(x.ToDoubleArray(), bank.Input).Zip(Row(hv, bank.Recurrent), (a, b) => a + b).ToArray();
        var s0 = Hw(p0, hv, Math.Tanh);
        var s1 = Hw(Row(s0, bank.Edge(1, 0)), s0, v => Math.Max(0, v));
        var s2 = Hw(Row(s0, bank.Edge(2, 0)), s0, v => v);
        var s3 = Hw(Row(s1, bank.Edge(3, 1)), s1, Sig);
        var s4 = Hw(Row(s1, bank.Edge(4, 1)), s1, Math.Tanh);
        double[] expected = [.. Enumerable.Range(0, 2).Select(i => (s2[i] + s3[i] + s4[i]) / 3)];
        TensorAssert.Close(expected, y.ToDoubleArray(), 1e-12, 1e-12, "cell step");

        // --cell-output all: the same nodes, h_t their mean over all five
        var all = new RecurrentCell(cell, bank, RnnCellOutput.AllNodes);
        using var yAll = all.Step(all.ProjectInput(x), h, bank.Recurrent);
        double[] expectedAll = [.. Enumerable.Range(0, 2).Select(i => (s0[i] + s1[i] + s2[i] + s3[i] + s4[i]) / 5)];
        TensorAssert.Close(expectedAll, yAll.ToDoubleArray(), 1e-12, 1e-12, "cell step, all nodes averaged");
        Assert.Equal([2, 3, 4], cell.OutputNodes(RnnCellOutput.LooseEnds));
        Assert.Equal([0, 1, 2, 3, 4], cell.OutputNodes(RnnCellOutput.AllNodes));
    }

    [Fact]
    public void DrawingAndDescriptionFollowTheOutputChoice()
    {
        var (space, _) = Cell();
        var arch = Architecture.ParseOfficial(space, Arc);
        static int Arrows(string svg) => svg.Split("marker-end=").Length - 1;
        // 2 inputs into node 0 + 4 node-to-node edges, then 3 loose ends or all 5 nodes into h_t
        Assert.Equal(2 + 4 + 3, Arrows(RnnCellDrawing.Svg(space, arch)));
        Assert.Equal(2 + 4 + 5, Arrows(RnnCellDrawing.Svg(space, arch, RnnCellOutput.AllNodes)));
        Assert.EndsWith("h_t = mean(node 2, node 3, node 4)", space.Describe(arch));
        Assert.EndsWith("h_t = mean(node 0, node 1, node 2, node 3, node 4)", space.Describe(arch, RnnCellOutput.AllNodes));
    }

    [Fact]
    public void GradCheckOneStep()
    {
        var (_, cell) = Cell();
        using var bank = new RnnWeightBank(5, 3, 4, 0.6, new Random(2), DType.Float64);
        var x = P("x", 5, 2, 3);
        var h = P("h", 6, 2, 4);
        var c = new RecurrentCell(cell, bank);
        var inputs = new List<Parameter> { x, h, bank.Input, bank.Recurrent };
        for (int i = 1; i < 5; i++) inputs.Add(bank.Edge(i, cell.Nodes[i].Input));
        var r = Enas.Engine.Autodiff.GradCheck.Run(p => c.Step(c.ProjectInput(p[0]), p[1], p[3]), inputs);
        Assert.True(r.Passed, r.Report);
        var all = new RecurrentCell(cell, bank, RnnCellOutput.AllNodes);
        var rAll = Enas.Engine.Autodiff.GradCheck.Run(p => all.Step(all.ProjectInput(p[0]), p[1], p[3]), inputs);
        Assert.True(rAll.Passed, rAll.Report);
    }

    [Fact]
    public void GradCheckThreeStepUnrolledSequenceWithDropConnect()
    {
        var (_, cell) = Cell();
        using var core = new EnasRecurrentCore(new RnnWeightBank(5, 3, 4, 0.6, new Random(3), DType.Float64), cell);
        var x = P("x", 7, 3 * 2, 3); // 3 steps, batch 2, time-major
        var h = P("h", 8, 2, 4);
        var inputs = new List<Parameter> { x, h };
        inputs.AddRange(core.Parameters());
        var dropout = LmDropout.None with { DropConnect = 0.5, Hidden = 0.3 };
        // same masks on every evaluation: a fresh Random with the same seed each call
        var r = Enas.Engine.Autodiff.GradCheck.Run(
            p => core.Forward(p[0], 3, [p[1]], dropout, training: true, new Random(11)).Outputs, inputs);
        Assert.True(r.Passed, r.Report);
    }

    [Fact]
    public void SharedBankHasEveryEdgeAndAFixedCountWhileAFreshBankHasOnlyTheCellsEdges()
    {
        var (_, cell) = Cell();
        using var shared = new RnnWeightBank(5, 3, 4, 0.1, new Random(1));
        // input 3x8 + recurrent 4x8 + 10 edges of 4x8
        Assert.Equal(3 * 8 + 4 * 8 + 10 * 4 * 8, shared.ParameterCount());
        Assert.Contains("10 edges", shared.Summary());
        using var fresh = RnnWeightBank.ForCell(cell, 3, 4, 0.1, new Random(1));
        Assert.Equal(3 * 8 + 4 * 8 + 4 * 4 * 8, fresh.ParameterCount());
        Assert.True(fresh.HasEdge(3, 1));
        Assert.False(fresh.HasEdge(3, 2));
        Assert.Throws<InvalidOperationException>(() => fresh.Edge(3, 2));
        var other = new RnnSpace(5).Decode(Architecture.ParseOfficial(new RnnSpace(5), "0 0 1 1 2 2 3 3 0"));
        Assert.Throws<ArgumentException>(() => new RecurrentCell(other, fresh));
        _ = new RecurrentCell(other, shared);
    }
}
