using Enas.Search.Data;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

public class CorpusTests
{
    private static void Write(TempFolder dir, string name, params string[] lines) =>
        File.WriteAllLines(dir[name], lines);

    [Fact]
    public void LoadsThreeSplitsWithEosAndUnknownWords()
    {
        using var dir = new TempFolder();
        Write(dir, WordCorpus.TrainFile, " the cat sat ", "the dog <unk> ran");
        Write(dir, WordCorpus.ValidFile, "the bird sat");
        Write(dir, WordCorpus.TestFile, "", "dog ran");
        var c = WordCorpus.Load(dir.Path);
        var v = c.Vocabulary;
        // the cat sat <eos> dog <unk> ran : 7 distinct (order of first appearance)
        Assert.Equal(7, v.Count);
        Assert.Equal(["the", "cat", "sat", "<eos>", "dog", "<unk>", "ran"], Enumerable.Range(0, v.Count).Select(i => v[i]));
        Assert.Equal([0, 1, 2, 3, 0, 4, 5, 6, 3], c.Train);
        Assert.Equal([0, v.UnknownId, 2, v.EndOfSentenceId], c.Valid);
        Assert.Equal([3, 4, 6, 3], c.Test); // a blank line still ends a sentence
    }

    [Fact]
    public void AddsUnkWhenTheTrainingFileLacksIt()
    {
        var c = WordCorpus.FromLines(["a b"], ["c"], ["a"]);
        Assert.Equal(4, c.Vocabulary.Count);
        Assert.Equal([c.Vocabulary.UnknownId, c.Vocabulary.EndOfSentenceId], c.Valid);
    }

    [Fact]
    public void MiniSplitTrainsOnValidAndHalvesTest()
    {
        using var dir = new TempFolder();
        Write(dir, WordCorpus.ValidFile, "a b", "c d");
        Write(dir, WordCorpus.TestFile, "a", "b", "c", "zz", "d");
        var c = WordCorpus.LoadMini(dir.Path);
        var v = c.Vocabulary;
        Assert.Equal([v.IdOf("a"), 2, v.IdOf("b"), 2], c.Valid); // <eos> is id 2 (after a b)
        Assert.Equal([v.IdOf("c"), 2, v.UnknownId, 2, v.IdOf("d"), 2], c.Test);
        Assert.Contains("mini-PTB", c.Description);
    }

    [Fact]
    public void MissingFolderFileAndEmptyCorpusAreClearErrors()
    {
        using var dir = new TempFolder();
        var e1 = Assert.Throws<DatasetException>(() => WordCorpus.Load(Path.Combine(dir.Path, "nope")));
        Assert.Contains("does not exist", e1.Message);

        Write(dir, WordCorpus.ValidFile, "a");
        Write(dir, WordCorpus.TestFile, "a");
        var e2 = Assert.Throws<DatasetException>(() => WordCorpus.Load(dir.Path));
        Assert.Contains(WordCorpus.TrainFile, e2.Message);
        Assert.Contains("not found", e2.Message);
        Assert.EndsWith(WordCorpus.TrainFile, e2.Path);

        File.WriteAllText(dir[WordCorpus.TrainFile], "");
        var e3 = Assert.Throws<DatasetException>(() => WordCorpus.Load(dir.Path));
        Assert.Contains("empty", e3.Message);

        Write(dir, WordCorpus.TrainFile, "   ", "");
        var e4 = Assert.Throws<DatasetException>(() => WordCorpus.Load(dir.Path));
        Assert.Contains("no words", e4.Message);
    }

    [Fact]
    public void BatchesAreParallelRowsReadInTimeMajorWindows()
    {
        int[] tokens = Enumerable.Range(0, 23).ToArray();
        var b = new TokenBatches(tokens, 3); // rows of 7: 0..6, 7..13, 14..20 (21, 22 dropped)
        Assert.Equal((3, 7, 6), (b.BatchSize, b.Length, b.Steps));
        Assert.Equal(2, b.WindowCount(4));
        Assert.Equal([0, 4], b.WindowStarts(4));
        var (inputs, targets, len) = b.Window(4, 4);
        Assert.Equal(2, len);
        Assert.Equal([4, 11, 18, 5, 12, 19], inputs);
        Assert.Equal([5, 12, 19, 6, 13, 20], targets);
        Assert.Throws<ArgumentException>(() => new TokenBatches([1, 2, 3], 2));
    }
}
