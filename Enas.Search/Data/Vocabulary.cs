namespace Enas.Search.Data;

/// <summary>
/// Word-to-id map of a word-level corpus, ids in order of first appearance in the training file. Always holds
/// <see cref="Unknown"/> and <see cref="EndOfSentence"/> (added when the training file lacks them).
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The token that stands for words outside the vocabulary.</summary>
    public const string Unknown = "<unk>";

    /// <summary>The token appended at each line end.</summary>
    public const string EndOfSentence = "<eos>";

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _words = new();

    /// <summary>Number of distinct words.</summary>
    public int Count => _words.Count;

    /// <summary>The word with id <paramref name="id"/>.</summary>
    public string this[int id] => _words[id];

    /// <summary>Id of <see cref="Unknown"/>.</summary>
    public int UnknownId => _ids[Unknown];

    /// <summary>Id of <see cref="EndOfSentence"/>.</summary>
    public int EndOfSentenceId => _ids[EndOfSentence];

    /// <summary>Builds the vocabulary from the words of <paramref name="lines"/> (plus the two special tokens).</summary>
    public static Vocabulary Build(IEnumerable<string> lines)
    {
        var v = new Vocabulary();
        foreach (var line in lines)
        {
            foreach (var w in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) v.Add(w);
            v.Add(EndOfSentence);
        }
        v.Add(EndOfSentence);
        v.Add(Unknown);
        return v;
    }

    /// <summary>The id of <paramref name="word"/>, or of <see cref="Unknown"/> when it is not in the vocabulary.</summary>
    public int IdOf(string word) => _ids.TryGetValue(word, out int id) ? id : _ids[Unknown];

    /// <summary>True when <paramref name="word"/> has its own id.</summary>
    public bool Contains(string word) => _ids.ContainsKey(word);

    /// <summary>
    /// Encodes lines as one id stream: each line's whitespace-separated words followed by <see cref="EndOfSentence"/>.
    /// Returns the ids and the number of words mapped to <see cref="Unknown"/> that were not literally "&lt;unk&gt;".
    /// </summary>
    public (int[] Ids, int OutOfVocabulary) Encode(IEnumerable<string> lines)
    {
        var ids = new List<int>();
        int oov = 0, eos = EndOfSentenceId;
        foreach (var line in lines)
        {
            foreach (var w in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (_ids.TryGetValue(w, out int id)) ids.Add(id);
                else
                {
                    ids.Add(UnknownId);
                    oov++;
                }
            }
            ids.Add(eos);
        }
        return (ids.ToArray(), oov);
    }

    private void Add(string word)
    {
        if (_ids.ContainsKey(word)) return;
        _ids[word] = _words.Count;
        _words.Add(word);
    }
}
