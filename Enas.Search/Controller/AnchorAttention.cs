using Enas.Engine;

namespace Enas.Search.Controller;

/// <summary>
/// The anchors of one sampling pass and the ENAS attention over them: anchor j has a value [1, H] (what the LSTM reads
/// when j is chosen) and a key k_j = a_j·W1 [1, H]; the score of anchor j for the LSTM output h [1, H] is
/// q_j = v^T tanh(k_j + h·W2) [1, 1].
/// </summary>
internal sealed class AnchorAttention(AttentionWeights weights)
{
    private readonly List<Tensor> _values = new();
    private readonly List<Tensor> _keys = new();

    /// <summary>Anchors so far.</summary>
    public int Count => _values.Count;

    /// <summary>The value [1, H] of anchor <paramref name="j"/>.</summary>
    public Tensor this[int j] => _values[j];

    /// <summary>Adds an anchor with value <paramref name="value"/> [1, H] and key <paramref name="key"/>·W1.</summary>
    public void Add(Tensor value, Tensor key)
    {
        _values.Add(value);
        _keys.Add(key.MatMul(weights.W1));
    }

    /// <summary>The query h·W2 [1, H] of the LSTM output <paramref name="h"/>.</summary>
    public Tensor Query(Tensor h) => h.MatMul(weights.W2);

    /// <summary>The score q_j [1, 1] of anchor <paramref name="j"/> for <paramref name="query"/> (from
    /// <see cref="Query"/>).</summary>
    public Tensor Score(int j, Tensor query) => (_keys[j] + query).Tanh().MatMul(weights.V);

    /// <summary>The raw logits [1, Count] of every anchor for the LSTM output <paramref name="h"/>.</summary>
    public Tensor Logits(Tensor h)
    {
        var query = Query(h);
        int n = Count;
        Tensor? logits = null;
        for (int j = 0; j < n; j++)
        {
            var q = Score(j, query) * PolicyMath.OneHot(n, j, Device.Cpu);
            logits = logits is null ? q : logits + q;
        }
        return logits!;
    }
}
