using System.Collections.Immutable;
using Enas.Engine;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>
/// The ENAS LSTM policy (CPU). Micro: for each node, two input indices chosen by attention over the anchors (the
/// LSTM outputs after earlier nodes; zero vectors for the two cell inputs), then two ops from a softmax head with a
/// learned bias (init [10,10,0,0,0]) and, on the normal cell only, the constant +0.25 sep-conv prior; the reduction
/// cell continues from the normal cell's final state. Macro: per layer an op, then one Bernoulli skip decision per
/// earlier layer from attention logits [-q, +q], the next input being the mean of the chosen anchors, plus the skip
/// penalty KL(sigmoid(logits) ‖ [1-ρ, ρ]).
/// </summary>
public sealed class LstmController : IController
{
    private readonly ControllerOptions _o;
    private readonly List<Parameter> _parameters = new();
    private readonly LstmCore _lstm;
    private readonly Parameter _gEmb, _wEmb, _wSoft, _wAttn1, _wAttn2, _vAttn;
    private readonly Parameter? _bSoft;
    private readonly int _hidden, _numOps;

    /// <summary>Creates the controller for <paramref name="space"/> with weights drawn from <paramref name="seed"/>.</summary>
    public LstmController(ISearchSpace space, ControllerOptions options, ulong seed)
    {
        if (space is not MicroSpace and not MacroSpace) throw new ArgumentException($"no controller for space '{space.Name}'");
        Space = space;
        _o = options;
        _hidden = options.Hidden;
        _numOps = space is MicroSpace ? MicroSpace.Ops.Length : MacroSpace.Ops.Length;
        var rng = new XoshiroRandom(seed);
        Parameter Create(string name, Shape shape)
        {
            var p = ControllerInit.Uniform("controller." + name, shape, 0.1, rng);
            _parameters.Add(p);
            return p;
        }
        _lstm = new LstmCore(Create, _hidden);
        _gEmb = Create("g_emb", new Shape(1, _hidden));
        _wEmb = Create("w_emb", new Shape(_numOps, _hidden));
        _wSoft = Create("w_soft", new Shape(_hidden, _numOps));
        _wAttn1 = Create("w_attn1", new Shape(_hidden, _hidden));
        _wAttn2 = Create("w_attn2", new Shape(_hidden, _hidden));
        _vAttn = Create("v_attn", new Shape(_hidden, 1));
        if (space is MicroSpace)
        {
            _bSoft = Parameter.Create<float>("controller.b_soft", new Shape(1, _numOps), [10f, 10f, 0f, 0f, 0f], Device.Cpu);
            _parameters.Add(_bSoft);
        }
    }

    /// <inheritdoc />
    public ISearchSpace Space { get; }

    /// <inheritdoc />
    public bool Learns => true;

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public ControllerSample Sample(XoshiroRandom rng, bool greedy = false) => Space switch
    {
        MicroSpace micro => new MicroSampler(this, micro, rng, greedy).Run(),
        MacroSpace macro => new MacroSampler(this, macro, rng, greedy).Run(),
        _ => throw new InvalidOperationException(),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var p in _parameters) { p.ZeroGrad(); p.Dispose(); }
        _parameters.Clear();
    }

    private Tensor Zeros() => Tensor.Zeros(new Shape(1, _hidden));

    private Tensor Embed(int op) => PolicyMath.OneHot(_numOps, op, Device.Cpu).MatMul(_wEmb);

    /// <summary>Attention logits [1, n] over anchors: q_j = v·tanh(W1·a_j + W2·h).</summary>
    private Tensor Attention(IReadOnlyList<Tensor> anchorsW1, Tensor h)
    {
        var hw = h.MatMul(_wAttn2);
        Tensor? logits = null;
        int n = anchorsW1.Count;
        for (int j = 0; j < n; j++)
        {
            var q = (anchorsW1[j] + hw).Tanh().MatMul(_vAttn) * PolicyMath.OneHot(n, j, Device.Cpu);
            logits = logits is null ? q : logits + q;
        }
        return logits!;
    }

    private sealed class MicroSampler(LstmController c, MicroSpace space, XoshiroRandom rng, bool greedy)
    {
        private readonly List<int> _tokens = new();
        private Tensor? _logProb;
        private double _entropy;

        public ControllerSample Run()
        {
            var h = c.Zeros();
            var cc = c.Zeros();
            (h, cc) = SampleCell(h, cc, normal: true);
            SampleCell(h, cc, normal: false);
            return new ControllerSample(new Architecture(space.Name, [.. _tokens]), _logProb!, Tensor.Scalar(_entropy), null);
        }

        private void Add(Tensor logProb, double entropy)
        {
            _logProb = _logProb is null ? logProb : _logProb + logProb;
            _entropy += entropy;
        }

        private (Tensor H, Tensor C) SampleCell(Tensor h, Tensor cc, bool normal)
        {
            var anchors = new List<Tensor>();
            var anchorsW1 = new List<Tensor>();
            var inputs = (Tensor)c._gEmb;
            for (int i = 0; i < 2; i++)
            {
                (h, cc) = c._lstm.Step(inputs, h, cc);
                anchors.Add(c.Zeros());
                anchorsW1.Add(h.MatMul(c._wAttn1));
            }
            double opTanh = (c._o.TanhConstant ?? 0) / c._o.OpTanhReduce;
            for (int k = 0; k < space.Nodes; k++)
            {
                var chosen = new int[4];
                for (int slot = 0; slot < 2; slot++)
                {
                    (h, cc) = c._lstm.Step(inputs, h, cc);
                    var logits = PolicyMath.Shape(c.Attention(anchorsW1, h), c._o.Temperature, c._o.TanhConstant);
                    var (index, lp, ent) = PolicyMath.Decide(logits, rng, greedy);
                    Add(lp, ent);
                    chosen[2 * slot] = index;
                    inputs = anchors[index];
                }
                for (int slot = 0; slot < 2; slot++)
                {
                    (h, cc) = c._lstm.Step(inputs, h, cc);
                    var logits = h.MatMul(c._wSoft) + c._bSoft!;
                    logits = PolicyMath.Shape(logits, c._o.Temperature, c._o.TanhConstant is null ? null : opTanh);
                    if (normal && c._o.OpPrior)
                        logits = logits + Tensor.FromArray(new[] { 0.25f, 0.25f, -0.25f, -0.25f, -0.25f }, new Shape(1, 5));
                    var (op, lp, ent) = PolicyMath.Decide(logits, rng, greedy);
                    Add(lp, ent);
                    chosen[2 * slot + 1] = op;
                    inputs = c.Embed(op);
                }
                _tokens.AddRange(chosen);
                (h, cc) = c._lstm.Step(inputs, h, cc);
                anchors.Add(h);
                anchorsW1.Add(h.MatMul(c._wAttn1));
                inputs = c._gEmb;
            }
            return (h, cc);
        }
    }

    private sealed class MacroSampler(LstmController c, MacroSpace space, XoshiroRandom rng, bool greedy)
    {
        public ControllerSample Run()
        {
            var tokens = ImmutableArray.CreateBuilder<int>(space.Decisions.Count);
            var h = c.Zeros();
            var cc = c.Zeros();
            Tensor inputs = c._gEmb;
            Tensor? logProb = null, penalty = null;
            double entropy = 0;
            var anchors = new List<Tensor>();
            var anchorsW1 = new List<Tensor>();
            var logTarget = Tensor.FromArray(new[] { (float)Math.Log(1 - c._o.SkipTarget), (float)Math.Log(c._o.SkipTarget) }, new Shape(1, 2));
            var signs = Tensor.FromArray(new[] { -1f, 1f }, new Shape(1, 2));
            void Add(Tensor lp, double ent) { logProb = logProb is null ? lp : logProb + lp; entropy += ent; }

            for (int i = 0; i < space.Layers; i++)
            {
                (h, cc) = c._lstm.Step(inputs, h, cc);
                var opLogits = PolicyMath.Shape(h.MatMul(c._wSoft), c._o.Temperature, c._o.TanhConstant);
                var (op, lpOp, entOp) = PolicyMath.Decide(opLogits, rng, greedy);
                Add(lpOp, entOp);
                tokens.Add(op);
                (h, cc) = c._lstm.Step(c.Embed(op), h, cc);
                if (i > 0)
                {
                    var hw = h.MatMul(c._wAttn2);
                    Tensor? chosenSum = null, layerKl = null;
                    int count = 0;
                    for (int j = 0; j < i; j++)
                    {
                        var q = (anchorsW1[j] + hw).Tanh().MatMul(c._vAttn);
                        var logits = PolicyMath.Shape(q * signs, c._o.Temperature, c._o.TanhConstant);
                        var (skip, lp, ent) = PolicyMath.Decide(logits, rng, greedy);
                        Add(lp, ent);
                        tokens.Add(skip);
                        var p = logits.Sigmoid();
                        var kl = (p * (p.Log() - logTarget)).Sum();
                        layerKl = layerKl is null ? kl : layerKl + kl;
                        if (skip == 1)
                        {
                            chosenSum = chosenSum is null ? anchors[j] : chosenSum + anchors[j];
                            count++;
                        }
                    }
                    penalty = penalty is null ? layerKl : penalty + layerKl!;
                    inputs = chosenSum is null ? c.Zeros() : chosenSum * (1.0 / (1 + count));
                }
                else inputs = c._gEmb;
                anchors.Add(h);
                anchorsW1.Add(h.MatMul(c._wAttn1));
            }
            var meanPenalty = penalty is null ? null : penalty * (1.0 / (space.Layers - 1));
            return new ControllerSample(new Architecture(space.Name, tokens.MoveToImmutable()), logProb!,
                Tensor.Scalar(entropy), meanPenalty);
        }
    }
}
