using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Search.Data;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Rnn;

/// <summary>Result of training one language model from scratch.</summary>
/// <param name="Model">"enas cell …" or "lstm".</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Epochs">Per-epoch training results and validation perplexities.</param>
/// <param name="ValidPerplexity">Validation perplexity after the last epoch.</param>
/// <param name="TestPerplexity">Test perplexity after the last epoch (the test split is touched only here).</param>
public sealed record RnnRetrainResult(string Model, long Parameters,
    IReadOnlyList<(LmEpochResult Train, double ValidPerplexity)> Epochs, double ValidPerplexity, double TestPerplexity);

/// <summary>
/// Trains a language model from fresh weights: a derived (or any) ENAS cell, or the plain-LSTM baseline of the same
/// hidden size (<c>--baseline lstm</c>), with the same data, dropouts, clip and SGD schedule, so they compare.
/// </summary>
public static class RnnRetrain
{
    /// <summary>Trains the cell <paramref name="architecture"/> of <paramref name="space"/>, or an LSTM when null, on
    /// <paramref name="device"/> (the CPU when null).</summary>
    public static RnnRetrainResult Run(RnnSpace? space, Architecture? architecture, WordCorpus corpus,
        RnnSearchOptions o, int epochs, Action<string>? log = null, Device? device = null)
    {
        var rng = new XoshiroRandom(o.Seed * 7919 + 3);
        IRecurrentCore core;
        string name;
        if (space is not null && architecture is not null)
        {
            var cell = space.Decode(architecture);
            core = new EnasRecurrentCore(RnnWeightBank.ForCell(cell, o.Hidden, o.Hidden, o.EffectiveCellInitRange, rng.Fork(),
                device: device), cell, o.MaxHiddenNorm);
            name = $"enas cell [{architecture.ToOfficialString()}]";
        }
        else
        {
            core = new LstmRecurrentCore(o.Hidden, o.Hidden, rng.Fork(), o.EffectiveCellInitRange, device);
            name = "lstm";
        }
        using var lm = new LanguageModel(corpus.Vocabulary.Count, core, o.InitRange, rng.Fork(), device: device);
        using var sgd = new Sgd(lm.Parameters(), o.LearningRate, momentum: 0, weightDecay: o.WeightDecay);
        var schedule = new StepDecay(o.LearningRate, o.LrDecay, o.DecayStart);
        var train = new TokenBatches(corpus.Train, o.BatchSize);
        var valid = new TokenBatches(corpus.Valid, o.BatchSize);
        var dropRng = rng.Fork();
        long parameters = lm.Module.ParameterCount();
        log?.Invoke($"{name}: {parameters:N0} parameters");
        var history = new List<(LmEpochResult, double)>();
        double validPpl = double.NaN;
        for (int e = 0; e < epochs; e++)
        {
            sgd.LearningRate = schedule.LearningRateAt(e);
            var r = LmTrainer.Epoch(lm, sgd, train, o.Bptt, o.Dropout, o.GradClip, dropRng, maxWindows: o.MaxWindowsPerEpoch);
            validPpl = LmEvaluation.Perplexity(lm, valid, o.Bptt);
            history.Add((r, validPpl));
            log?.Invoke($"{name} epoch {e + 1}/{epochs}: lr {sgd.LearningRate:G3}, train loss {r.Loss:F3}, " +
                        $"valid ppl {validPpl:F1}, {r.TokensPerSecond:F0} tokens/s");
        }
        double testPpl = LmEvaluation.Perplexity(lm, new TokenBatches(corpus.Test, o.BatchSize), o.Bptt);
        return new RnnRetrainResult(name, parameters, history, validPpl, testPpl);
    }
}
