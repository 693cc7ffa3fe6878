using Enas.Engine.Optim;
using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Network.Recurrent;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Tasks;

namespace Enas.Tests.Rnn;

public class LanguageModelTests
{
    internal static LanguageModel EnasLm(int vocab, int hidden, string arc, int nodes, int seed)
    {
        var space = new RnnSpace(nodes);
        var cell = space.Decode(Architecture.ParseOfficial(space, arc));
        var rng = new Random(seed);
        var core = new EnasRecurrentCore(new RnnWeightBank(nodes, hidden, hidden, 0.1, rng), cell);
        return new LanguageModel(vocab, core, 0.1, rng);
    }

    // a periodic corpus the model can learn: "a b c d a b c d ..."
    private static int[] Periodic(int n) => [.. Enumerable.Range(0, n).Select(i => i % 4)];

    [Fact]
    public void EnasLanguageModelLossFallsOnATinyCorpus()
    {
        using var lm = EnasLm(4, 8, "0 0 1 1 3", 3, 1);
        using var sgd = new Sgd(lm.Parameters(), 20.0, momentum: 0);
        var data = new TokenBatches(Periodic(400), 4);
        var rng = new Random(2);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < 6; epoch++)
        {
            lm.ResetState();
            double sum = 0;
            int n = 0;
            foreach (int start in data.WindowStarts(10))
            {
                var (x, y, len) = data.Window(start, 10);
                sum += lm.TrainWindow(sgd, x, y, len, 4, LmDropout.None, 0.25, rng).Loss;
                n++;
            }
            if (epoch == 0) first = sum / n;
            last = sum / n;
        }
        Assert.True(last < 0.5 * first, $"mean loss {first:F3} -> {last:F3}");
        double ppl = LmEvaluation.Perplexity(lm, data, 10);
        Assert.True(ppl < 2.0, $"perplexity {ppl:F3} on a deterministic sequence");
    }

    [Fact]
    public void LstmBaselineLossFallsWithDropout()
    {
        var rng = new Random(3);
        using var lm = new LanguageModel(4, new LstmRecurrentCore(8, 8, rng), 0.1, rng);
        using var sgd = new Sgd(lm.Parameters(), 2.0, momentum: 0);
        var data = new TokenBatches(Periodic(400), 4);
        double first = 0, last = 0;
        var dropout = new LmDropout { Embedding = 0.05, Input = 0.05, Hidden = 0.05, Output = 0.05 };
        for (int epoch = 0; epoch < 8; epoch++)
        {
            lm.ResetState();
            double sum = 0;
            int n = 0;
            foreach (int start in data.WindowStarts(10))
            {
                var (x, y, len) = data.Window(start, 10);
                sum += lm.TrainWindow(sgd, x, y, len, 4, dropout, 5, rng).Loss;
                n++;
            }
            if (epoch == 0) first = sum / n;
            last = sum / n;
        }
        Assert.True(last < 0.6 * first, $"mean loss {first:F3} -> {last:F3}");
    }

    [Fact]
    public void HiddenStateIsCarriedAcrossWindowsAndDetached()
    {
        using var lm = EnasLm(6, 5, "1 0 3 1 0", 3, 4);
        var data = new TokenBatches([.. Enumerable.Range(0, 60).Select(i => (i * 7) % 6)], 3);
        var rng = new Random(5);
        var (x0, y0, l0) = data.Window(0, 4);
        var (x1, y1, l1) = data.Window(4, 4);
        double carried, fresh;
        using (var scope = TensorScope.Begin())
        {
            lm.WindowLoss(x0, y0, l0, 3, LmDropout.None, false, rng);
            Assert.NotNull(lm.State);
            Assert.False(lm.State![0].RequiresGrad);
            Assert.Null(lm.State[0].Scope);
            Assert.NotEqual(0, lm.State[0].ToDoubleArray().Select(Math.Abs).Sum());
            carried = lm.WindowLoss(x1, y1, l1, 3, LmDropout.None, false, rng).Item();
            lm.ResetState();
            Assert.Null(lm.State);
            fresh = lm.WindowLoss(x1, y1, l1, 3, LmDropout.None, false, rng).Item();
        }
        Assert.NotEqual(fresh, carried);

        // training across windows: the second window's backward must not reach into the first (detached) and the
        // state must survive the first window's tape scope.
        using var sgd = new Sgd(lm.Parameters(), 0.5, momentum: 0);
        lm.ResetState();
        lm.TrainWindow(sgd, x0, y0, l0, 3, LmDropout.None, 1, rng);
        var afterFirst = lm.State![0].ToDoubleArray();
        var (loss, norm) = lm.TrainWindow(sgd, x1, y1, l1, 3, LmDropout.None, 1, rng);
        Assert.True(double.IsFinite(loss) && double.IsFinite(norm));
        Assert.False(lm.State![0].IsDisposed);
        Assert.NotEqual(afterFirst, lm.State[0].ToDoubleArray());
    }

    [Fact]
    public void TiedWeightsGetGradientFromBothEnds()
    {
        using var lm = EnasLm(5, 4, "0 0 0", 2, 6);
        var rng = new Random(1);
        using var tape = Enas.Engine.Autodiff.Tape.Record();
        var loss = lm.WindowLoss([1, 2], [2, 3], 2, 1, LmDropout.None, true, rng);
        tape.Backward(loss);
        var g = lm.Embedding.Grad!.ToDoubleArray();
        // row 4 is neither an input nor a target: softmax still gives it gradient through the decoder
        Assert.NotEqual(0, g.Skip(4 * 4).Take(4).Select(Math.Abs).Sum());
        Assert.Equal(lm.Embedding.ElementCount + 5 + lm.Core switch { EnasRecurrentCore c => c.Weights.ParameterCount(), _ => 0 },
            lm.Module.ParameterCount());
        lm.Module.ZeroGrad();
    }
}
