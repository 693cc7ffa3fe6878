using Enas.Engine;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>
/// One sampling pass of the policy, shared by every space's sampler: the LSTM state (h, c) [1, H], the decisions
/// (logit shaping with temperature and tanh constant, sampled or greedy choice) and what they add up to (the tokens,
/// the log-probability with gradient, the entropy).
/// </summary>
internal sealed class PolicyRun(PolicyNetwork network, ControllerOptions options, XoshiroRandom rng, bool greedy)
{
    private readonly List<int> _tokens = new();
    private Tensor? _logProb;
    private double _entropy;
    private Tensor _c = network.Zeros();

    /// <summary>The policy's weights.</summary>
    public PolicyNetwork Network => network;

    /// <summary>The LSTM output h [1, H] after the last <see cref="Step"/> (zeros before the first; the cell state c
    /// [1, H] is kept alongside).</summary>
    public Tensor H { get; private set; } = network.Zeros();

    /// <summary>The tanh constant of input and skip logits.</summary>
    public double? Tanh => options.TanhConstant;

    /// <summary>The tanh constant of micro and recurrent op logits: c /
    /// <see cref="ControllerOptions.OpTanhReduce"/>.</summary>
    public double? OpTanh => options.TanhConstant is { } c ? c / options.OpTanhReduce : null;

    /// <summary>Runs the LSTM one step on <paramref name="input"/> [1, H]; returns the new h.</summary>
    public Tensor Step(Tensor input)
    {
        (H, _c) = network.Lstm.Step(input, H, _c);
        return H;
    }

    /// <summary>Applies the temperature, then <paramref name="tanh"/>·tanh, to raw logits [1, n].</summary>
    public Tensor Shape(Tensor logits, double? tanh) => PolicyMath.Shape(logits, options.Temperature, tanh);

    /// <summary>Chooses from shaped logits [1, n] and adds the choice's log-probability and the entropy.</summary>
    public int Decide(Tensor logits)
    {
        var (choice, logProb, entropy) = PolicyMath.Decide(logits, rng, greedy);
        _logProb = _logProb is null ? logProb : _logProb + logProb;
        _entropy += entropy;
        return choice;
    }

    /// <summary>Shapes raw logits [1, n] with <paramref name="tanh"/>, adds the constant <paramref name="prior"/> [n]
    /// when there is one, and decides.</summary>
    public int Choose(Tensor logits, double? tanh, ReadOnlySpan<float> prior = default)
    {
        logits = Shape(logits, tanh);
        if (!prior.IsEmpty) logits = logits + Tensor.FromArray(prior, new Shape(1, prior.Length));
        return Decide(logits);
    }

    /// <summary>Appends tokens to the architecture, in encoding order.</summary>
    public void Emit(params ReadOnlySpan<int> tokens)
    {
        foreach (int t in tokens) _tokens.Add(t);
    }

    /// <summary>The sample: the emitted tokens as an architecture of <paramref name="spaceName"/>, the summed
    /// log-probability and entropy, and <paramref name="skipPenalty"/> (macro; else null).</summary>
    public ControllerSample Finish(string spaceName, Tensor? skipPenalty = null) =>
        new(new Architecture(spaceName, [.. _tokens]), _logProb!, Tensor.Scalar(_entropy), skipPenalty);
}
