using System.Globalization;
using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Randomness;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>
/// Answers "is the searched cell any better?" (<c>--compare</c>): trains the searched (or given) cell, a cell drawn uniformly
/// at random from the same space, and the plain LSTM of the same hidden size, each from scratch with the same data,
/// dropouts, schedule and epochs. With several seeds (<c>--compare-seeds</c>) every seed retrains all three (with a new
/// random cell each time) and the table adds the mean and standard deviation of each role and the paired differences,
/// because on small corpora two seeds of one model differ by a few perplexity points. The results go into the same
/// <see cref="ComparisonTable"/> as the CNN comparison (comparison.json / comparison.txt, rewritten after every
/// model); a rerun into the folder skips the models already in it.
/// </summary>
public sealed class RnnComparison
{
    /// <summary>The three roles, in training order.</summary>
    public static readonly string[] Roles = ["searched", "random", "lstm"];

    private readonly List<(string Role, RnnRetrainResult Result)> _results = new();
    private readonly string _outDir;
    private readonly Device? _device;
    private readonly ComparisonTable _table;
    private readonly bool _writes;

    /// <summary>Writes into <paramref name="outDir"/> (unless <paramref name="writes"/> is false: a data-parallel rank
    /// other than 0, which trains every model with rank 0 and reads the folder only); trains on
    /// <paramref name="device"/> (the CPU when null).</summary>
    public RnnComparison(string outDir, Device? device = null, bool writes = true)
    {
        (_outDir, _device, _writes) = (outDir, device, writes);
        _table = ComparisonTable.Load(outDir, "test ppl", higherIsBetter: false, percent: false, reference: "searched");
    }

    /// <summary>Models trained by this instance, in training order, with their role ("searched", "random" or "lstm").</summary>
    public IReadOnlyList<(string Role, RnnRetrainResult Result)> Results => _results;

    /// <summary>Every model of the comparison so far (those of an earlier run into the folder too).</summary>
    public ComparisonTable Table => _table;

    /// <summary>The uniformly random cell of the comparison (fixed by <paramref name="seed"/>).</summary>
    public static Architecture RandomCell(RnnSpace space, ulong seed)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Tape.NoGrad();
        return new RandomController(space).Sample(new XoshiroRandom(SeedStreams.CompareRandomCell(seed))).Architecture;
    }

    /// <summary>
    /// For each of <paramref name="seeds"/> seeds (o.Seed, o.Seed + 1, …) trains the searched cell, a random cell drawn
    /// with that seed and the LSTM, recording each as it ends; models already in the folder's table are skipped.
    /// </summary>
    public void Run(RnnSpace space, Architecture searched, WordCorpus corpus, RnnSearchOptions o, int epochs,
        Action<string>? log = null, int seeds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seeds);
        for (int k = 0; k < seeds; k++)
        {
            var run = o with { Seed = o.Seed + (ulong)k };
            var random = RandomCell(space, run.Seed);
            log?.Invoke($"comparison{(seeds > 1 ? $" seed {run.Seed} ({k + 1} of {seeds})" : "")}: searched cell, " +
                        $"random cell [{random.ToOfficialString()}] and LSTM, {epochs} epochs each");
            Train("searched", ModelName(searched), run.Seed, () => RnnRetrain.Run(space, searched, corpus, run, epochs, log, _device), log);
            Train("random", ModelName(random), run.Seed, () => RnnRetrain.Run(space, random, corpus, run, epochs, log, _device), log);
            Train("lstm", "lstm", run.Seed, () => RnnRetrain.Run(null, null, corpus, run, epochs, log, _device), log);
        }
    }

    /// <summary>The table's name of a cell: its official string.</summary>
    private static string ModelName(Architecture cell) => $"enas cell [{cell.ToOfficialString()}]";

    private void Train(string role, string model, ulong seed, Func<RnnRetrainResult> train, Action<string>? log)
    {
        if (_table.Has(role, model, seed))
        {
            log?.Invoke($"comparison: {role} (seed {seed}) is already in {ComparisonTable.JsonFile}");
            return;
        }
        var result = train();
        _results.Add((role, result));
        double tokensPerSecond = result.Epochs.Count > 0 ? result.Epochs.Average(e => e.Train.TokensPerSecond) : 0;
        _table.Add(new ComparisonEntry(role, model, seed, result.Parameters, result.TestPerplexity,
            result.Epochs.Sum(e => e.Train.Seconds),
            string.Create(CultureInfo.InvariantCulture,
                $"best epoch {result.BestEpoch}/{result.Epochs.Count}, valid ppl {result.ValidPerplexity:F1}, {tokensPerSecond:F0} tokens/s")));
        if (_writes) _table.Save(_outDir);
        log?.Invoke(_table.Text());
    }
}
