using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Nn;
using Enas.Engine.Optim;
using Enas.Kernels;
using Enas.Search.Data;
using Enas.Search.Distributed;

namespace Enas.Search.Network.Recurrent;

/// <summary>
/// Word-level language model: embedding [V, H] → recurrent core → softmax whose weight is the same embedding table
/// (tied) plus a bias [V]. Trained by truncated BPTT: the state after each window is carried into the next one,
/// detached (no gradient flows across windows) and kept outside tape scopes with <see cref="Tensor.Persist"/>.
/// Everything (parameters, carried state, dropout masks, forward, backward, clipping, SGD step) lives on one
/// <see cref="Device"/>; per window the host uploads the token ids and the dropout masks (drawn on the host from the
/// caller's Random, so every backend sees the same masks) and reads back the loss (with the gradient norm, in one
/// copy, when training on a GPU).
/// </summary>
public sealed class LanguageModel : IDisposable
{
    private readonly LmModule _module = new();
    private Tensor[]? _state;
    private Tensor[]? _retired; // the previous window's state: its backward may still read it
    private int _stateBatch;

    /// <summary>Creates the model around <paramref name="core"/> (owned: disposed with the model) on
    /// <paramref name="device"/> (the CPU when null), where the core's parameters must already be.</summary>
    public LanguageModel(int vocabulary, IRecurrentCore core, double initRange, Random rng,
        DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabulary);
        Device = device ?? Device.Cpu;
        foreach (var p in ((Module)core).Parameters())
            if (!ReferenceEquals(p.Backend, Device.Backend))
                throw new ArgumentException($"language model on {Device}: core parameter '{p.Name}' is on {p.Device}", nameof(core));
        Core = core;
        Vocabulary = vocabulary;
        var shape = new Shape(vocabulary, core.Hidden);
        var table = Init.Uniform(shape, initRange, rng);
        Embedding = _module.Add("embedding", dtype == DType.Float64
            ? Parameter.Create<double>("lm.embedding", shape, Array.ConvertAll(table, v => (double)v), Device)
            : Parameter.Create<float>("lm.embedding", shape, table, Device));
        DecoderBias = _module.Add("decoder_bias", Parameter.Full("lm.decoder_bias", new Shape(vocabulary), 0, dtype, Device));
        _module.AddCore((Module)core);
    }

    /// <summary>Where the parameters, the carried state and every step's tensors live.</summary>
    public Device Device { get; }

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
    /// With <paramref name="rows"/> the batch is those rows of a data-parallel window: its dropout masks are the whole
    /// window's, sliced (see <see cref="IRecurrentCore.Forward"/>).
    /// </summary>
    public Tensor WindowLoss(int[] inputs, int[] targets, int steps, int batch, LmDropout dropout, bool training,
        Random rng, BatchShard? rows = null)
    {
        ReleaseRetired();
        if (inputs.Length != steps * batch || targets.Length != inputs.Length)
            throw new ArgumentException($"window needs {steps * batch} inputs and targets, got {inputs.Length} and {targets.Length}");
        if (_state is null || _stateBatch != batch)
        {
            ResetState();
            _state = new Tensor[Core.StateCount];
            for (int k = 0; k < _state.Length; k++)
                _state[k] = Tensor.Zeros(new Shape(batch, Core.Hidden), Embedding.DType, Device, persistent: true);
            _stateBatch = batch;
        }
        Tensor table = Embedding;
        if (training && dropout.Embedding > 0)
            table = table * LockedDropout.Mask(Vocabulary, 1, dropout.Embedding, true, rng, table)!;
        var x = table.Gather(inputs); // ids checked on the host and uploaded: the window's first host-to-device copy
        x = LockedDropout.Apply(x, steps, batch, dropout.Input, training, rng, rows);
        var (outputs, state) = Core.Forward(x, steps, _state, dropout, training, rng, rows);
        outputs = LockedDropout.Apply(outputs, steps, batch, dropout.Output, training, rng, rows);
        var logits = outputs.MatMul(Embedding, transposeOther: true) + DecoderBias;
        var loss = logits.CrossEntropy(targets); // checked on the host, uploaded as flat indices
        var carried = new Tensor[state.Length];
        for (int k = 0; k < state.Length; k++) carried[k] = state[k].Persist();
        _retired = _state;
        _state = carried;
        return loss;
    }

    /// <summary>
    /// One SGD step on a window: forward, backward, global-norm clipping to <paramref name="clip"/>, update. Returns
    /// the loss and the gradient norm before clipping (a non-finite norm skips the update; a non-finite loss also
    /// resets the carried state, so the next window starts from zeros). The window's only device-to-host copy is
    /// the read of the loss and the norm (see <see cref="ReadLossAndNorm"/>).
    /// <para>Data-parallel (<paramref name="parallel"/>): the window holds this rank's <paramref name="rows"/> of the
    /// whole batch; after the backward pass one all-reduce gives every rank the whole batch's gradients and mean loss,
    /// and the norm, clipping, update and the non-finite rules above apply to those, identically on every rank.</para>
    /// </summary>
    public (double Loss, double GradNorm) TrainWindow(Optimizer optimizer, int[] inputs, int[] targets, int steps,
        int batch, LmDropout dropout, double clip, Random rng, LmDataParallel? parallel = null, BatchShard? rows = null)
    {
        if (parallel is not null && rows is null) throw new ArgumentNullException(nameof(rows), "a data-parallel window needs its rows");
        optimizer.ZeroGrad();
        double lossValue, norm;
        using (var tape = Tape.Record())
        {
            var loss = WindowLoss(inputs, targets, steps, batch, dropout, training: true, rng, rows);
            tape.Backward(loss);
            if (parallel is null) (lossValue, norm) = ReadLossAndNorm(loss, optimizer.Parameters);
            else
            {
                lossValue = parallel.SumGradients(optimizer.Parameters, rows!.Value, loss.Item());
                norm = GradClip.GlobalNorm(optimizer.Parameters);
            }
        }
        ReleaseRetired();
        // A window that overflowed leaves a non-finite carried state that would poison every later window: start over.
        if (!double.IsFinite(lossValue)) ResetState();
        GradClip.ScaleToNorm(optimizer.Parameters, norm, clip);
        if (double.IsFinite(norm)) optimizer.Step();
        optimizer.ZeroGrad();
        return (lossValue, norm);
    }

    /// <summary>
    /// The window's loss and the global norm of the gradients before clipping. On a GPU the squared norm is summed on
    /// the device and comes back with the loss in one read (the host waits once per window, here). On the CPU a read
    /// costs nothing and the norm is accumulated in double, exactly as <see cref="GradClip.ClipGlobalNorm"/> does.
    /// </summary>
    private (double Loss, double Norm) ReadLossAndNorm(Tensor loss, IReadOnlyList<Parameter> parameters)
    {
        if (Device.Kind == DeviceKind.Cpu) return (loss.Item(), GradClip.GlobalNorm(parameters));
        using var noGrad = Tape.NoGrad();
        var squared = GradClip.SquaredNormOnDevice(parameters);
        if (squared is null) return (loss.Item(), 0);
        var both = Tensor.Concat([loss.Reshape(1), squared.Reshape(1)], 0).ToDoubleArray();
        return (both[0], Math.Sqrt(both[1]));
    }

    private sealed class LmModule : Module
    {
        public Parameter Add(string name, Parameter p) => RegisterParameter(name, p);

        public void AddCore(Module core) => RegisterModule("core", core);
    }
}
