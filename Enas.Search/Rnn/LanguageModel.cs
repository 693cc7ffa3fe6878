using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Nn;
using Enas.Engine.Optim;
using Enas.Kernels;

namespace Enas.Search.Rnn;

/// <summary>
/// Word-level language model: embedding [V, H] → recurrent core → softmax whose weight is the same embedding table
/// (tied) plus a bias [V]. Trained by truncated BPTT: the state after each window is carried into the next one,
/// detached (no gradient flows across windows) and kept outside tape scopes with <see cref="Tensor.Persist"/>.
/// </summary>
public sealed class LanguageModel : IDisposable
{
    private readonly LmModule _module = new();
    private Tensor[]? _state;
    private Tensor[]? _retired; // the previous window's state: its backward may still read it
    private int _stateBatch;

    /// <summary>Creates the model around <paramref name="core"/> (owned: disposed with the model).</summary>
    public LanguageModel(int vocabulary, IRecurrentCore core, double initRange, Random rng,
        DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabulary);
        Core = core;
        Vocabulary = vocabulary;
        var shape = new Shape(vocabulary, core.Hidden);
        var table = Init.Uniform(shape, initRange, rng);
        Embedding = _module.Add("embedding", dtype == DType.Float64
            ? Parameter.Create<double>("lm.embedding", shape, Array.ConvertAll(table, v => (double)v))
            : Parameter.Create<float>("lm.embedding", shape, table));
        DecoderBias = _module.Add("decoder_bias", Parameter.Full("lm.decoder_bias", new Shape(vocabulary), 0, dtype));
        _module.AddCore((Module)core);
    }

    /// <summary>Embedding, bias and core as one module (names "embedding", "decoder_bias", "core.…"), for
    /// optimisers and checkpoints.</summary>
    public Module Module => _module;

    /// <summary>Every trainable parameter.</summary>
    public IEnumerable<Parameter> Parameters() => _module.Parameters();

    /// <summary>Frees the carried state and the parameters.</summary>
    public void Dispose()
    {
        ResetState();
        _module.Dispose();
    }

    /// <summary>The recurrent core.</summary>
    public IRecurrentCore Core { get; }

    /// <summary>Vocabulary size V.</summary>
    public int Vocabulary { get; }

    /// <summary>[V, H]: input embedding and (tied) softmax weight.</summary>
    public Parameter Embedding { get; }

    /// <summary>[V] softmax bias.</summary>
    public Parameter DecoderBias { get; }

    /// <summary>The carried state (null before the first window or after <see cref="ResetState"/>).</summary>
    public IReadOnlyList<Tensor>? State => _state;

    /// <summary>Forgets the carried state (start of an epoch or of an evaluation pass).</summary>
    public void ResetState()
    {
        ReleaseRetired();
        if (_state is not null) foreach (var s in _state) s.Dispose();
        _state = null;
    }

    private void ReleaseRetired()
    {
        if (_retired is not null) foreach (var s in _retired) s.Dispose();
        _retired = null;
    }

    /// <summary>
    /// Mean cross-entropy of one window (recorded on the current tape if any): <paramref name="inputs"/> and
    /// <paramref name="targets"/> are time-major [steps * batch]. Uses the carried state (zeros when there is none or
    /// the batch size changed) and replaces it with the window's final state, detached. The previous state stays
    /// alive until the next call (or <see cref="ResetState"/>), so back-propagate each window before the next one.
    /// </summary>
    public Tensor WindowLoss(int[] inputs, int[] targets, int steps, int batch, LmDropout dropout, bool training,
        Random rng)
    {
        ReleaseRetired();
        if (inputs.Length != steps * batch || targets.Length != inputs.Length)
            throw new ArgumentException($"window needs {steps * batch} inputs and targets, got {inputs.Length} and {targets.Length}");
        if (_state is null || _stateBatch != batch)
        {
            ResetState();
            _state = new Tensor[Core.StateCount];
            for (int k = 0; k < _state.Length; k++)
                _state[k] = Tensor.Zeros(new Shape(batch, Core.Hidden), Embedding.DType, persistent: true);
            _stateBatch = batch;
        }
        var ids = Tensor.FromArray(inputs, new Shape(inputs.Length));
        Tensor table = Embedding;
        if (training && dropout.Embedding > 0)
            table = table * LockedDropout.Mask(Vocabulary, 1, dropout.Embedding, true, rng, table)!;
        var x = table.Gather(ids);
        x = LockedDropout.Apply(x, steps, batch, dropout.Input, training, rng);
        var (outputs, state) = Core.Forward(x, steps, _state, dropout, training, rng);
        outputs = LockedDropout.Apply(outputs, steps, batch, dropout.Output, training, rng);
        var logits = outputs.MatMul(Embedding, transposeOther: true) + DecoderBias;
        var loss = logits.CrossEntropy(Tensor.FromArray(targets, new Shape(targets.Length)));
        var carried = new Tensor[state.Length];
        for (int k = 0; k < state.Length; k++) carried[k] = state[k].Persist();
        _retired = _state;
        _state = carried;
        return loss;
    }

    /// <summary>
    /// One SGD step on a window: forward, backward, global-norm clipping to <paramref name="clip"/>, update. Returns
    /// the loss and the gradient norm before clipping (a non-finite norm skips the update; a non-finite loss also
    /// resets the carried state, so the next window starts from zeros).
    /// </summary>
    public (double Loss, double GradNorm) TrainWindow(Optimizer optimizer, int[] inputs, int[] targets, int steps,
        int batch, LmDropout dropout, double clip, Random rng)
    {
        optimizer.ZeroGrad();
        double lossValue, norm;
        using (var tape = Tape.Record())
        {
            var loss = WindowLoss(inputs, targets, steps, batch, dropout, training: true, rng);
            lossValue = loss.Item();
            tape.Backward(loss);
        }
        ReleaseRetired();
        // A window that overflowed leaves a non-finite carried state that would poison every later window: start over.
        if (!double.IsFinite(lossValue)) ResetState();
        norm = GradClip.ClipGlobalNorm(optimizer.Parameters, clip);
        if (double.IsFinite(norm)) optimizer.Step();
        optimizer.ZeroGrad();
        return (lossValue, norm);
    }

    private sealed class LmModule : Module
    {
        public Parameter Add(string name, Parameter p) => RegisterParameter(name, p);

        public void AddCore(Module core) => RegisterModule("core", core);
    }
}
