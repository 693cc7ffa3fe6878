using System.Diagnostics;
using Enas.Engine.Optim;
using Enas.Search.Data;
using Enas.Search.Network.Recurrent;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Rnn;

/// <summary>
/// The shared PTB files: <c>ENAS_PTB_DIR</c> when set, else <c>&lt;repo root&gt;/../shared/data/ptb</c> (CI has
/// it; users' checkouts usually do not, and then the tests skip and say why).
/// </summary>
public sealed class RequiresSharedPtbFactAttribute : FactAttribute
{
    public RequiresSharedPtbFactAttribute()
    {
        if (SharedPtb.Directory is null)
            Skip = $"mini-PTB not found: set ENAS_PTB_DIR or provide {SharedPtb.Expected} " +
                   "(ptb.valid.txt and ptb.test.txt of the Penn Treebank)";
    }
}

internal static class SharedPtb
{
    public static string Expected
    {
        get
        {
            string root = Checkout.Root ?? AppContext.BaseDirectory;
            return Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "ptb"));
        }
    }

    public static string? Directory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("ENAS_PTB_DIR");
            foreach (var d in new[] { env, Expected })
                if (!string.IsNullOrEmpty(d) && File.Exists(Path.Combine(d, WordCorpus.ValidFile)) &&
                    File.Exists(Path.Combine(d, WordCorpus.TestFile)))
                    return d;
            return null;
        }
    }
}

public sealed class RealPtbTests(ITestOutputHelper output)
{
    [RequiresSharedPtbFact]
    public void MiniPtbLoadsAndTrainsAFewSteps()
    {
        var corpus = WordCorpus.LoadMini(SharedPtb.Directory!);
        output.WriteLine($"{corpus.Description}: vocab {corpus.Vocabulary.Count}, train {corpus.Train.Length}, " +
            $"valid {corpus.Valid.Length}, test {corpus.Test.Length} tokens");
        // 70,390 words (wc -w; the data README calls that "incl. line ends", but it is without) + 3,370 <eos>
        Assert.Equal(73760, corpus.Train.Length);
        Assert.Equal(82430, corpus.Valid.Length + corpus.Test.Length); // 78,669 words + 3,761 <eos>
        Assert.InRange(corpus.Vocabulary.Count, 5000, 10001);
        Assert.True(corpus.Vocabulary.Contains("<unk>") && corpus.Vocabulary.Contains("N"));
        Assert.True(corpus.Valid.Length > 35000 && corpus.Test.Length > 35000);

        var space = new RnnSpace(4);
        var cell = space.Decode(Architecture.ParseOfficial(space, "0 0 1 1 0 1 3"));
        var rng = new Random(1);
        using var lm = new LanguageModel(corpus.Vocabulary.Count,
            new EnasRecurrentCore(new RnnWeightBank(4, 16, 16, 0.1, rng), cell), 0.1, rng);
        using var sgd = new Sgd(lm.Parameters(), 20, momentum: 0);
        var train = new TokenBatches(corpus.Train, 8);
        var sw = Stopwatch.StartNew();
        var losses = new List<double>();
        foreach (int start in train.WindowStarts(35).Take(6))
        {
            var (x, y, len) = train.Window(start, 35);
            losses.Add(lm.TrainWindow(sgd, x, y, len, 8, LmDropout.None, 0.25, rng).Loss);
        }
        output.WriteLine($"losses {string.Join(", ", losses.Select(l => l.ToString("F3")))} in {sw.Elapsed.TotalSeconds:F2} s");
        Assert.InRange(losses[0], Math.Log(corpus.Vocabulary.Count) - 0.1, Math.Log(corpus.Vocabulary.Count) + 0.1);
        Assert.True(losses[^1] < losses[0] - 0.5, "loss should fall from uniform within a few steps (unigram bias)");
        double ppl = LmEvaluation.Perplexity(lm, new TokenBatches(corpus.Valid, 8), 35, maxWindows: 2);
        Assert.True(ppl < corpus.Vocabulary.Count, $"validation perplexity {ppl:F1}");
    }
}
