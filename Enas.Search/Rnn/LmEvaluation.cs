using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Data;

namespace Enas.Search.Rnn;

/// <summary>Perplexity of a language model on a token stream (no dropout, no gradient, state carried).</summary>
public static class LmEvaluation
{
    /// <summary>
    /// exp(mean cross-entropy) over every predicted token of <paramref name="data"/>, or over its first
    /// <paramref name="maxWindows"/> BPTT windows. Resets the carried state before and after.
    /// </summary>
    public static double Perplexity(LanguageModel model, TokenBatches data, int bptt, int maxWindows = int.MaxValue)
    {
        model.ResetState();
        double total = 0;
        long count = 0;
        var rng = new Random(0);
        int w = 0;
        using (Tape.NoGrad())
        {
            foreach (int start in data.WindowStarts(bptt))
            {
                if (w++ >= maxWindows) break;
                var (inputs, targets, len) = data.Window(start, bptt);
                using var scope = TensorScope.Begin();
                double loss = model.WindowLoss(inputs, targets, len, data.BatchSize, LmDropout.None, false, rng).Item();
                total += loss * inputs.Length;
                count += inputs.Length;
            }
        }
        model.ResetState();
        return Math.Exp(total / count);
    }
}
