namespace Enas.Search.Data;

/// <summary>
/// A word-level language-modelling corpus in the Penn Treebank format: <c>ptb.train.txt</c>, <c>ptb.valid.txt</c>,
/// <c>ptb.test.txt</c>, one sentence a line, <c>&lt;eos&gt;</c> appended at each line end, the vocabulary built from
/// the training split and unknown words mapped to <c>&lt;unk&gt;</c>. Splits are flat id streams.
/// </summary>
public sealed class WordCorpus
{
    /// <summary>Standard file names.</summary>
    public const string TrainFile = "ptb.train.txt", ValidFile = "ptb.valid.txt", TestFile = "ptb.test.txt";

    private WordCorpus(Vocabulary vocabulary, int[] train, int[] valid, int[] test, string description)
    {
        Vocabulary = vocabulary;
        Train = train;
        Valid = valid;
        Test = test;
        Description = description;
    }

    /// <summary>The vocabulary (from the training split).</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Training ids.</summary>
    public int[] Train { get; }

    /// <summary>Validation ids (reward, derive, model selection).</summary>
    public int[] Valid { get; }

    /// <summary>Test ids (final evaluation only).</summary>
    public int[] Test { get; }

    /// <summary>Where the splits came from, for logs.</summary>
    public string Description { get; }

    /// <summary>Loads the full corpus from the three files in <paramref name="dir"/>.</summary>
    /// <exception cref="DatasetException">A file is missing or unreadable, or a split has no words.</exception>
    public static WordCorpus Load(string dir)
    {
        var train = ReadLines(dir, TrainFile, "the full corpus needs all three files; for a check without the " +
            "training file use the mini split (--dataset ptb-mini)");
        var valid = ReadLines(dir, ValidFile, null);
        var test = ReadLines(dir, TestFile, null);
        return Build(dir, train, valid, test, $"PTB-format corpus in {dir}", TrainFile, ValidFile, TestFile);
    }

    /// <summary>
    /// The "mini" split for checks: trains on <c>ptb.valid.txt</c>, validates on the first half of the lines of
    /// <c>ptb.test.txt</c> and tests on the second half. Its perplexities are not comparable to published PTB numbers.
    /// </summary>
    public static WordCorpus LoadMini(string dir)
    {
        var train = ReadLines(dir, ValidFile, null);
        var all = ReadLines(dir, TestFile, null);
        int half = all.Length / 2;
        return Build(dir, train, all[..half], all[half..], $"mini-PTB in {dir} (train {ValidFile}, " +
            $"valid/test: halves of {TestFile})", ValidFile, TestFile + " (first half)", TestFile + " (second half)");
    }

    /// <summary>Builds a corpus from in-memory lines (tests, other formats).</summary>
    public static WordCorpus FromLines(IReadOnlyList<string> train, IReadOnlyList<string> valid,
        IReadOnlyList<string> test) => Build("<memory>", [.. train], [.. valid], [.. test], "in-memory corpus",
        "train", "valid", "test");

    private static WordCorpus Build(string dir, string[] train, string[] valid, string[] test, string description,
        string trainName, string validName, string testName)
    {
        var vocab = Vocabulary.Build(train);
        var trainIds = Encode(vocab, train, dir, trainName);
        var validIds = Encode(vocab, valid, dir, validName);
        var testIds = Encode(vocab, test, dir, testName);
        return new WordCorpus(vocab, trainIds, validIds, testIds, description);
    }

    private static int[] Encode(Vocabulary vocab, string[] lines, string dir, string name)
    {
        var (ids, _) = vocab.Encode(lines);
        if (ids.Length == lines.Length)
            throw new DatasetException(Path.Combine(dir, name), $"{Path.Combine(dir, name)}: the split has no words " +
                $"({lines.Length} lines, all blank). A PTB-format file holds one tokenised sentence per line.");
        return ids;
    }

    private static string[] ReadLines(string dir, string name, string? hint)
    {
        if (!Directory.Exists(dir))
            throw new DatasetException(dir, $"{dir}: the data folder does not exist. Point --data at a folder " +
                $"holding {TrainFile}, {ValidFile} and {TestFile}.");
        string path = Path.Combine(dir, name);
        if (!File.Exists(path))
            throw new DatasetException(path, $"{path}: file not found. A PTB-format folder holds {TrainFile}, " +
                $"{ValidFile} and {TestFile}{(hint is null ? "" : "; " + hint)}.");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(path, $"{path}: cannot be read ({e.Message}).", e);
        }
        if (lines.Length == 0)
            throw new DatasetException(path, $"{path}: the file is empty; replace it with a complete copy.");
        return lines;
    }
}
