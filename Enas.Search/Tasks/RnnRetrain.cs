using Enas.Engine.Optim;
using Enas.Engine.Serialization;
using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network.Recurrent;
using Enas.Search.Randomness;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>Result of training one language model from scratch.</summary>
/// <param name="Model">"enas cell …" or "lstm".</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Epochs">Per-epoch training results and validation perplexities.</param>
/// <param name="ValidPerplexity">Best validation perplexity over the epochs.</param>
/// <param name="TestPerplexity">Test perplexity of the weights of the best-validation epoch (the test split is touched
/// only here, once); NaN for a run told not to test (a derive trial).</param>
/// <param name="BestEpoch">1-based epoch whose weights were tested.</param>
/// <param name="Seed">Seed of the weights and dropout masks.</param>
public sealed record RnnRetrainResult(string Model, long Parameters,
    IReadOnlyList<(LmEpochResult Train, double ValidPerplexity)> Epochs, double ValidPerplexity, double TestPerplexity,
    int BestEpoch = 0, ulong Seed = 0);

/// <summary>
/// Trains a language model from fresh weights: a derived (or any) ENAS cell, or the plain-LSTM baseline of the same
/// hidden size (<c>--baseline lstm</c>), with the same data, dropouts, clip and SGD schedule, so they compare. The
/// weights of the epoch with the best validation perplexity are kept (copied to the host) and are the ones tested, as
/// language-model training usually does: on small corpora the last epoch is often past the best one.
/// </summary>
public static class RnnRetrain
{
    /// <summary>Trains the cell <paramref name="architecture"/> of <paramref name="space"/>, or an LSTM when null, on
    /// <paramref name="device"/> (the CPU when null). With <paramref name="test"/> false the test split is not read
    /// (derive trials choose on validation only). Under mpirun (<see cref="World"/>) every rank runs it, training and
    /// scoring its streams of every batch (<see cref="LmDataParallel"/>): every rank returns the same result, one
    /// process's up to float32 summation order.</summary>
    public static RnnRetrainResult Run(RnnSpace? space, Architecture? architecture, WordCorpus corpus,
        RnnSearchOptions o, int epochs, Action<string>? log = null, Device? device = null, bool test = true)
    {
        var parallel = LmDataParallel.Of(World.Communicator);
        var rng = new XoshiroRandom(SeedStreams.RetrainMasks(o.Seed));
        IRecurrentCore core;
        string name;
        if (space is not null && architecture is not null)
        {
            var cell = space.Decode(architecture);
            core = new EnasRecurrentCore(RnnWeightBank.ForCell(cell, o.Hidden, o.Hidden, o.EffectiveCellInitRange, rng.Fork(),
                device: device), cell, o.MaxHiddenNorm, o.CellOutput);
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
        double bestPpl = double.PositiveInfinity;
        int bestEpoch = 0;
        Dictionary<string, CheckpointEntry>? best = null; // the best epoch's weights, on the host
        for (int e = 0; e < epochs; e++)
        {
            sgd.LearningRate = schedule.LearningRateAt(e);
            var r = LmTrainer.Epoch(lm, sgd, train, o.Bptt, o.Dropout, o.GradClip, dropRng, maxWindows: o.MaxWindowsPerEpoch,
                parallel: parallel);
            double validPpl = LmEvaluation.Perplexity(lm, valid, o.Bptt, parallel: parallel);
            history.Add((r, validPpl));
            bool improved = validPpl < bestPpl; // false for NaN
            if (improved)
            {
                (bestPpl, bestEpoch) = (validPpl, e + 1);
                best = ModuleState.ToEntries(lm.Module).ToDictionary(e => e.Name);
            }
            log?.Invoke($"{name} epoch {e + 1}/{epochs}: lr {sgd.LearningRate:G3}, train loss {r.Loss:F3}, " +
                        $"valid ppl {validPpl:F1}{(improved ? " (best)" : "")}, {r.TokensPerSecond:F0} tokens/s");
        }
        if (bestEpoch == 0)
            throw new InvalidOperationException($"{name}: no epoch gave a finite validation perplexity; lower the learning rate " +
                                                "(the SGD lr, default 20) or the gradient clip and train again");
        if (!test) return new RnnRetrainResult(name, parameters, history, bestPpl, double.NaN, bestEpoch, o.Seed);
        if (bestEpoch < epochs)
        {
            ModuleState.Load(lm.Module, best!);
            log?.Invoke($"{name}: testing the weights of epoch {bestEpoch} (best validation perplexity {bestPpl:F1})");
        }
        double testPpl = LmEvaluation.Perplexity(lm, new TokenBatches(corpus.Test, o.BatchSize), o.Bptt, parallel: parallel);
        return new RnnRetrainResult(name, parameters, history, bestPpl, testPpl, bestEpoch, o.Seed);
    }
}
