using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Tasks;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

/// <summary>The recurrent comparison keeps its results in the shared <see cref="ComparisonTable"/> and skips what it holds.</summary>
public sealed class RnnComparisonResumeTests
{
    private static WordCorpus Corpus()
    {
        var rng = new Random(4);
        string[] words = ["a", "b", "c", "d", "N"];
        string Line() => string.Join(' ', Enumerable.Range(0, 4 + rng.Next(3)).Select(i => words[(i * 3 + rng.Next(2)) % words.Length]));
        return WordCorpus.FromLines([.. Enumerable.Range(0, 12).Select(_ => Line())],
            [.. Enumerable.Range(0, 4).Select(_ => Line())], [.. Enumerable.Range(0, 4).Select(_ => Line())]);
    }

    private static readonly RnnSearchOptions Options = new()
    {
        Nodes = 3, Hidden = 8, BatchSize = 2, Bptt = 4, Epochs = 1, MaxWindowsPerEpoch = 2, Seed = 5,
        ControllerSettings = RnnController.DefaultOptions with { Hidden = 8 },
    };

    [Fact]
    public void ARerunIntoTheFolderTrainsOnlyTheMissingModelsAndGivesTheSameTable()
    {
        using var dir = new TempFolder();
        var space = new RnnSpace(Options.Nodes);
        var cell = RnnComparison.RandomCell(space, 99);
        var first = new RnnComparison(dir.Path);
        first.Run(space, cell, Corpus(), Options, epochs: 1);
        Assert.Equal(new[] { "searched", "random", "lstm" }, first.Results.Select(r => r.Role));
        var full = first.Table.Entries.ToList();

        // Drop the LSTM row, as a crash before it finished would: the rerun trains it alone, to the same score.
        var partial = ComparisonTable.Load(dir.Path, "test ppl", higherIsBetter: false, percent: false, reference: "searched");
        partial.RemoveAll(e => e.Role == "lstm");
        partial.Save(dir.Path);
        var second = new RnnComparison(dir.Path);
        second.Run(space, cell, Corpus(), Options, epochs: 1);
        Assert.Equal(new[] { "lstm" }, second.Results.Select(r => r.Role));
        Assert.Equal(full.Select(e => (e.Role, e.Model, e.Seed, e.Score)), second.Table.Entries.Select(e => (e.Role, e.Model, e.Seed, e.Score)));
    }
}
