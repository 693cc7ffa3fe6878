using System.Globalization;
using System.Text;
using System.Text.Json;
using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Rnn;

/// <summary>
/// Answers "is the searched cell any better?" (<c>--compare</c>): trains the searched (or given) cell, a cell drawn uniformly
/// at random from the same space, and the plain LSTM of the same hidden size, each from scratch with the same data,
/// dropouts, schedule and epochs. With several seeds (<c>--compare-seeds</c>) every seed retrains all three (with a new
/// random cell each time) and the table adds the mean and standard deviation of each role and the paired differences,
/// because on small corpora two seeds of one model differ by a few perplexity points. comparison.json / comparison.txt
/// are rewritten after every model (a crash loses only the model being trained).
/// </summary>
public sealed class RnnComparison
{
    /// <summary>The three roles, in training order.</summary>
    public static readonly string[] Roles = ["searched", "random", "lstm"];

    private readonly List<(string Role, RnnRetrainResult Result)> _results = new();
    private readonly string _outDir;
    private readonly Device? _device;

    /// <summary>Writes into <paramref name="outDir"/>; trains on <paramref name="device"/> (the CPU when null).</summary>
    public RnnComparison(string outDir, Device? device = null) => (_outDir, _device) = (outDir, device);

    /// <summary>Results so far, in training order, with their role ("searched", "random" or "lstm").</summary>
    public IReadOnlyList<(string Role, RnnRetrainResult Result)> Results => _results;

    /// <summary>The uniformly random cell of the comparison (fixed by <paramref name="seed"/>).</summary>
    public static Architecture RandomCell(RnnSpace space, ulong seed)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Tape.NoGrad();
        return new RandomController(space).Sample(new XoshiroRandom(seed * 104729 + 17)).Architecture;
    }

    /// <summary>
    /// For each of <paramref name="seeds"/> seeds (o.Seed, o.Seed + 1, …) trains the searched cell, a random cell drawn
    /// with that seed and the LSTM, recording each as it ends.
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
            Add("searched", RnnRetrain.Run(space, searched, corpus, run, epochs, log, _device), log);
            Add("random", RnnRetrain.Run(space, random, corpus, run, epochs, log, _device), log);
            Add("lstm", RnnRetrain.Run(null, null, corpus, run, epochs, log, _device), log);
        }
    }

    private void Add(string role, RnnRetrainResult result, Action<string>? log)
    {
        _results.Add((role, result));
        AtomicFile.WriteAllText(Path.Combine(_outDir, "comparison.json"), Json());
        AtomicFile.WriteAllText(Path.Combine(_outDir, "comparison.txt"), Table());
        log?.Invoke(Table());
    }

    /// <summary>
    /// The results as plain text: one line per trained model (best test perplexity first), then, once a role has two
    /// or more seeds, mean ± sample standard deviation per role and the paired differences of the searched cell.
    /// </summary>
    public string Table()
    {
        var sb = new StringBuilder("model | seed | parameters | best epoch | valid ppl | test ppl | tokens/s\n");
        foreach (var (role, r) in _results.OrderBy(x => x.Result.TestPerplexity))
            sb.Append(CultureInfo.InvariantCulture,
                $"{(r.Model == role ? role : $"{role}: {r.Model}")} | {r.Seed} | {r.Parameters:N0} | {r.BestEpoch}/{r.Epochs.Count} | " +
                $"{r.ValidPerplexity:F1} | {r.TestPerplexity:F1} | " +
                $"{(r.Epochs.Count > 0 ? r.Epochs.Average(e => e.Train.TokensPerSecond) : 0):F0}\n");
        if (_results.Count(x => x.Role == "searched") < 2) return sb.ToString();
        var bySeed = _results.GroupBy(x => x.Result.Seed).ToDictionary(g => g.Key, g => g.ToDictionary(x => x.Role, x => x.Result));
        sb.Append("\nrole | seeds | valid ppl mean ± sd | test ppl mean ± sd\n");
        foreach (var role in Roles)
        {
            var rs = _results.Where(x => x.Role == role).Select(x => x.Result).ToList();
            if (rs.Count == 0) continue;
            sb.Append(CultureInfo.InvariantCulture,
                $"{role} | {rs.Count} | {MeanSd(rs.Select(r => r.ValidPerplexity))} | {MeanSd(rs.Select(r => r.TestPerplexity))}\n");
        }
        foreach (var other in new[] { "random", "lstm" })
        {
            var diffs = bySeed.Values.Where(m => m.ContainsKey("searched") && m.ContainsKey(other))
                .Select(m => m["searched"].TestPerplexity - m[other].TestPerplexity).ToList();
            if (diffs.Count == 0) continue;
            sb.Append(CultureInfo.InvariantCulture,
                $"searched - {other}, test ppl, paired by seed: {MeanSd(diffs)} over {diffs.Count} seeds; " +
                $"searched lower in {diffs.Count(d => d < 0)} of {diffs.Count}\n");
        }
        return sb.ToString();
    }

    private static string MeanSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        double sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F1} ± {sd:F1}");
    }

    private string Json() => JsonSerializer.Serialize(_results.Select(x => new
    {
        role = x.Role, model = x.Result.Model, seed = x.Result.Seed, parameters = x.Result.Parameters,
        best_epoch = x.Result.BestEpoch, valid_ppl = x.Result.ValidPerplexity, test_ppl = x.Result.TestPerplexity,
        epochs = x.Result.Epochs.Select(e => new { train_loss = e.Train.Loss, valid_ppl = e.ValidPerplexity,
            tokens_per_second = e.Train.TokensPerSecond, seconds = e.Train.Seconds }),
    }), new JsonSerializerOptions { WriteIndented = true });
}
