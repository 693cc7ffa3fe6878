using System.Collections.Immutable;
using Enas.Engine;
using Enas.Search.Controller;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Rnn;

/// <summary>
/// The ENAS LSTM policy for the recurrent cell space, built from the same parts as <see cref="LstmController"/>
/// (its bias-free LSTM, categorical decisions, uniform(±0.1) initialisation; trained by the same
/// <see cref="Reinforce"/>). Node 0: an activation from a softmax head. Node i: the input by attention over the
/// anchors (the LSTM outputs at earlier nodes' activation decisions) with the official recency prior
/// −(i − j)²/6 on node j's logit, then the activation; the chosen anchor, then the activation's embedding, feed the
/// next LSTM step. All four activations are sampled.
/// </summary>
public sealed class RnnController : IController
{
    private readonly ControllerOptions _o;
    private readonly List<Parameter> _parameters = new();
    private readonly LstmCore _lstm;
    private readonly Parameter _gEmb, _wEmb, _wSoft, _wAttn1, _wAttn2, _vAttn;
    private readonly int _hidden;
    private readonly RnnSpace _space;

    /// <summary>Creates the controller (hidden <see cref="ControllerOptions.Hidden"/>, 100 for RNN search).</summary>
    public RnnController(RnnSpace space, ControllerOptions options, ulong seed)
    {
        _space = space;
        _o = options;
        _hidden = options.Hidden;
        var rng = new XoshiroRandom(seed);
        Parameter Create(string name, Shape shape)
        {
            var p = ControllerInit.Uniform("controller." + name, shape, 0.1, rng);
            _parameters.Add(p);
            return p;
        }
        _lstm = new LstmCore(Create, _hidden);
        _gEmb = Create("g_emb", new Shape(1, _hidden));
        _wEmb = Create("w_emb", new Shape(RnnActivations.Count, _hidden));
        _wSoft = Create("w_soft", new Shape(_hidden, RnnActivations.Count));
        _wAttn1 = Create("w_attn1", new Shape(_hidden, _hidden));
        _wAttn2 = Create("w_attn2", new Shape(_hidden, _hidden));
        _vAttn = Create("v_attn", new Shape(_hidden, 1));
    }

    /// <summary>The official recurrent controller settings (hidden 100, temperature 5, tanh 2.5, Adam lr 1e-3,
    /// entropy weight 1e-3; enas-reference §3), except Adam's ε: 1e-8 (PyTorch's, as ENAS-pytorch) instead of TF's
    /// 1e-3. Rewards 80/ppl are ~0.1-0.3, so REINFORCE gradients are ~1e-4 and an ε of 1e-3 shrank every step tenfold:
    /// measured on mini-PTB, the policy's entropy did not move in 500 updates. The baseline's decay is 0.95 (ENAS-pytorch's
    /// run script): the shared weights improve between controller phases and the reward level moves with them.</summary>
    public static ControllerOptions DefaultOptions { get; } = new()
    {
        Hidden = 100, Temperature = 5.0, TanhConstant = 2.5, OpTanhReduce = 1, LearningRate = 1e-3, AdamEpsilon = 1e-8,
        EntropyWeight = 1e-3, OpPrior = false, BaselineDecay = 0.95,
    };

    /// <inheritdoc />
    public ISearchSpace Space => _space;

    /// <inheritdoc />
    public bool Learns => true;

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public ControllerSample Sample(XoshiroRandom rng, bool greedy = false)
    {
        var tokens = ImmutableArray.CreateBuilder<int>(_space.Decisions.Count);
        Tensor h = Tensor.Zeros(new Shape(1, _hidden)), c = Tensor.Zeros(new Shape(1, _hidden));
        Tensor? logProb = null;
        double entropy = 0;
        void Add(Tensor lp, double e) { logProb = logProb is null ? lp : logProb + lp; entropy += e; }

        var anchors = new List<Tensor>();
        var anchorsW1 = new List<Tensor>();
        Tensor inputs = _gEmb;
        for (int i = 0; i < _space.Nodes; i++)
        {
            if (i > 0)
            {
                (h, c) = _lstm.Step(inputs, h, c);
                var hw = h.MatMul(_wAttn2);
                var prior = new float[i];
                for (int j = 0; j < i; j++) prior[j] = -(float)((i - j) * (i - j) / 6.0);
                Tensor? logits = null;
                for (int j = 0; j < i; j++)
                {
                    var q = (anchorsW1[j] + hw).Tanh().MatMul(_vAttn) * PolicyMath.OneHot(i, j, Device.Cpu);
                    logits = logits is null ? q : logits + q;
                }
                logits = PolicyMath.Shape(logits!, _o.Temperature, _o.TanhConstant) + Tensor.FromArray(prior, new Shape(1, i));
                var (prev, lp, ent) = PolicyMath.Decide(logits, rng, greedy);
                Add(lp, ent);
                tokens.Add(prev);
                inputs = anchors[prev];
            }
            (h, c) = _lstm.Step(inputs, h, c);
            int act = 0; // a space with node 0 fixed to tanh leaves nothing to decide there
            if (i > 0 || !_space.FirstNodeTanh)
            {
                var actLogits = PolicyMath.Shape(h.MatMul(_wSoft), _o.Temperature,
                    _o.TanhConstant is { } t ? t / _o.OpTanhReduce : null);
                (act, var lpAct, var entAct) = PolicyMath.Decide(actLogits, rng, greedy);
                Add(lpAct, entAct);
            }
            tokens.Add(act);
            anchors.Add(h);
            anchorsW1.Add(h.MatMul(_wAttn1));
            inputs = PolicyMath.OneHot(RnnActivations.Count, act, Device.Cpu).MatMul(_wEmb);
        }
        return new ControllerSample(new Architecture(_space.Name, tokens.MoveToImmutable()), logProb!,
            Tensor.Scalar(entropy), null);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var p in _parameters) { p.ZeroGrad(); p.Dispose(); }
        _parameters.Clear();
    }
}
