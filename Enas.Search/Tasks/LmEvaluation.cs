using Enas.Engine.Autodiff;
using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network.Recurrent;

namespace Enas.Search.Tasks;

/// <summary>Perplexity of a language model on a token stream (no dropout, no gradient, state carried).</summary>
public static class LmEvaluation
{
    /// <summary>
    /// exp(mean cross-entropy) over every predicted token of <paramref name="data"/>, or over its first
    /// <paramref name="maxWindows"/> BPTT windows. Resets the carried state before and after. Data-parallel
    /// (<paramref name="parallel"/>, collective): each rank scores its streams of <paramref name="data"/> and the sums
    /// over the ranks give the whole data's perplexity on every rank.
    /// </summary>
    public static double Perplexity(LanguageModel model, TokenBatches data, int bptt, int maxWindows = int.MaxValue,
        LmDataParallel? parallel = null)
    {
        var local = parallel is null ? data : parallel.Local(data);
        var (total, count) = LossOverWindows(model, local, local.WindowStarts(bptt).Take(maxWindows), bptt);
        if (parallel is not null) (total, count) = parallel.Sum(total, count);
        return Math.Exp(total / count);
    }

    /// <summary>
    /// Sum over the windows starting at <paramref name="starts"/> (in that order, the state carried from one to the
    /// next, starting from zeros) of the mean cross-entropy times the window's tokens, and the token count. Each
    /// window's loss stays on the model's device; all of them are read back together at the end (one device-to-host
    /// copy per pass, so a GPU never waits for the host between windows). Resets the carried state before and after.
    /// </summary>
    public static (double Total, long Count) LossOverWindows(LanguageModel model, TokenBatches data,
        IEnumerable<int> starts, int bptt)
    {
        model.ResetState();
        var losses = new List<Tensor>();
        var tokens = new List<int>();
        var rng = new Random(0); // no dropout: never drawn from
        try
        {
            using (Tape.NoGrad())
            {
                foreach (int start in starts)
                {
                    var (inputs, targets, len) = data.Window(start, bptt);
                    using var scope = TensorScope.Begin();
                    var loss = model.WindowLoss(inputs, targets, len, data.BatchSize, LmDropout.None, false, rng);
                    losses.Add(loss.Reshape(1).Persist());
                    tokens.Add(inputs.Length);
                }
            }
            if (losses.Count == 0) return (0, 0);
            double[] values;
            using (TensorScope.Begin()) values = Tensor.Concat(losses, 0).ToDoubleArray();
            double total = 0;
            long count = 0;
            for (int w = 0; w < values.Length; w++)
            {
                total += values[w] * tokens[w];
                count += tokens[w];
            }
            return (total, count);
        }
        finally
        {
            foreach (var l in losses) l.Dispose();
            model.ResetState();
        }
    }
}
