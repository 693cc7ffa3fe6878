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
/// dropouts, schedule and epochs, and writes the table to comparison.json / comparison.txt after every model (a crash
/// loses only the model being trained).
/// </summary>
public sealed class RnnComparison
{
    private readonly List<RnnRetrainResult> _results = new();
    private readonly string _outDir;
    private readonly Device? _device;

    /// <summary>Writes into <paramref name="outDir"/>; trains on <paramref name="device"/> (the CPU when null).</summary>
    public RnnComparison(string outDir, Device? device = null) => (_outDir, _device) = (outDir, device);

    /// <summary>Results so far, in training order.</summary>
    public IReadOnlyList<RnnRetrainResult> Results => _results;

    /// <summary>The uniformly random cell of the comparison (fixed by <paramref name="seed"/>).</summary>
    public static Architecture RandomCell(RnnSpace space, ulong seed)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Tape.NoGrad();
        return new RandomController(space).Sample(new XoshiroRandom(seed * 104729 + 17)).Architecture;
    }

    /// <summary>Trains the three models in turn (searched cell, random cell, LSTM), recording each as it ends.</summary>
    public void Run(RnnSpace space, Architecture searched, WordCorpus corpus, RnnSearchOptions o, int epochs,
        Action<string>? log = null)
    {
        var random = RandomCell(space, o.Seed);
        log?.Invoke($"comparison: searched cell, random cell [{random.ToOfficialString()}] and LSTM, {epochs} epochs each");
        Add(RnnRetrain.Run(space, searched, corpus, o, epochs, log, _device), "searched", log);
        Add(RnnRetrain.Run(space, random, corpus, o, epochs, log, _device), "random", log);
        Add(RnnRetrain.Run(null, null, corpus, o, epochs, log, _device), "lstm", log);
    }

    private void Add(RnnRetrainResult result, string role, Action<string>? log)
    {
        _results.Add(result with { Model = result.Model == role ? role : $"{role}: {result.Model}" });
        AtomicFile.WriteAllText(Path.Combine(_outDir, "comparison.json"), Json());
        AtomicFile.WriteAllText(Path.Combine(_outDir, "comparison.txt"), Table());
        log?.Invoke(Table());
    }

    /// <summary>The results as a plain-text table, best test perplexity first.</summary>
    public string Table()
    {
        var sb = new StringBuilder("model | parameters | epochs | valid ppl | test ppl | tokens/s\n");
        foreach (var r in _results.OrderBy(r => r.TestPerplexity))
            sb.Append(CultureInfo.InvariantCulture,
                $"{r.Model} | {r.Parameters:N0} | {r.Epochs.Count} | {r.ValidPerplexity:F1} | {r.TestPerplexity:F1} | " +
                $"{(r.Epochs.Count > 0 ? r.Epochs.Average(e => e.Train.TokensPerSecond) : 0):F0}\n");
        return sb.ToString();
    }

    private string Json() => JsonSerializer.Serialize(_results.Select(r => new
    {
        model = r.Model, parameters = r.Parameters, valid_ppl = r.ValidPerplexity, test_ppl = r.TestPerplexity,
        epochs = r.Epochs.Select(e => new { train_loss = e.Train.Loss, valid_ppl = e.ValidPerplexity,
            tokens_per_second = e.Train.TokensPerSecond, seconds = e.Train.Seconds }),
    }), new JsonSerializerOptions { WriteIndented = true });
}
