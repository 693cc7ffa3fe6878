using Enas.Engine;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>
/// The weights of the ENAS LSTM policy (CPU), shared by every space's sampler: the bias-free LSTM, the start input
/// <c>g_emb</c> [1, H], the op embedding <c>w_emb</c> [ops, H], the op head <c>w_soft</c> [H, ops] with, where the
/// vocabulary has one, the learned bias <c>b_soft</c> [1, ops], and the attention <c>w_attn1</c>, <c>w_attn2</c>
/// [H, H] and <c>v_attn</c> [H, 1]. All but <c>b_soft</c> are drawn uniform(±0.1) from the seed, in that order.
/// </summary>
internal sealed class PolicyNetwork : IDisposable
{
    private readonly List<Parameter> _parameters = new();
    private readonly Parameter _wEmb, _wSoft;
    private readonly Parameter? _bSoft;

    /// <summary>Creates the weights for <paramref name="vocabulary"/> with hidden size
    /// <paramref name="hidden"/>.</summary>
    public PolicyNetwork(ControllerVocabulary vocabulary, int hidden, ulong seed)
    {
        Hidden = hidden;
        Vocabulary = vocabulary;
        OpCount = vocabulary.OpCount;
        var rng = new XoshiroRandom(seed);
        Parameter Create(string name, Shape shape)
        {
            var p = ControllerInit.Uniform("controller." + name, shape, 0.1, rng);
            _parameters.Add(p);
            return p;
        }
        Lstm = new LstmCore(Create, hidden);
        StartInput = Create("g_emb", new Shape(1, hidden));
        _wEmb = Create("w_emb", new Shape(OpCount, hidden));
        _wSoft = Create("w_soft", new Shape(hidden, OpCount));
        var w1 = Create("w_attn1", new Shape(hidden, hidden));
        var w2 = Create("w_attn2", new Shape(hidden, hidden));
        var v = Create("v_attn", new Shape(hidden, 1));
        Attention = new AttentionWeights(w1, w2, v);
        if (!vocabulary.OpBias.IsEmpty)
        {
            var bias = vocabulary.OpBias.AsSpan();
            _bSoft = Parameter.Create<float>("controller.b_soft", new Shape(1, OpCount), bias, Device.Cpu);
            _parameters.Add(_bSoft);
        }
    }

    /// <summary>LSTM hidden size H.</summary>
    public int Hidden { get; }

    /// <summary>The op vocabulary the weights were sized by (its prior is the one the samplers add).</summary>
    public ControllerVocabulary Vocabulary { get; }

    /// <summary>Choices of an op decision.</summary>
    public int OpCount { get; }

    /// <summary>The LSTM.</summary>
    public LstmCore Lstm { get; }

    /// <summary><c>g_emb</c> [1, H]: the input of the first step and of each micro node's first step.</summary>
    public Parameter StartInput { get; }

    /// <summary>The attention weights.</summary>
    public AttentionWeights Attention { get; }

    /// <summary>Every trainable parameter, in creation order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>A zero row [1, H].</summary>
    public Tensor Zeros() => Tensor.Zeros(new Shape(1, Hidden));

    /// <summary>The embedding [1, H] of op <paramref name="op"/>.</summary>
    public Tensor Embed(int op) => PolicyMath.OneHot(OpCount, op, Device.Cpu).MatMul(_wEmb);

    /// <summary>Raw op logits [1, ops] = h·w_soft (+ b_soft) of the LSTM output <paramref name="h"/> [1, H].</summary>
    public Tensor OpLogits(Tensor h)
    {
        var logits = h.MatMul(_wSoft);
        return _bSoft is null ? logits : logits + _bSoft;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var p in _parameters) { p.ZeroGrad(); p.Dispose(); }
        _parameters.Clear();
    }
}

/// <summary>The attention weights: <c>w_attn1</c> [H, H] for anchors, <c>w_attn2</c> [H, H] for the query,
/// <c>v_attn</c> [H, 1].</summary>
internal sealed record AttentionWeights(Parameter W1, Parameter W2, Parameter V);
