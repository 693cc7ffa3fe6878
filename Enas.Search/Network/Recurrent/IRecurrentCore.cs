using Enas.Engine;
using Enas.Search.Data;

namespace Enas.Search.Network.Recurrent;

/// <summary>Dropout rates of a recurrent language model (probabilities of dropping; 0 switches one off).</summary>
public sealed record LmDropout
{
    /// <summary>Embedding dropout: whole words (rows of the input embedding table) dropped per window.</summary>
    public double Embedding { get; init; } = 0.1;

    /// <summary>Locked (same mask at every step) dropout on the embedded inputs.</summary>
    public double Input { get; init; } = 0.2;

    /// <summary>Locked dropout on the hidden state fed back into the cell.</summary>
    public double Hidden { get; init; } = 0.25;

    /// <summary>Locked dropout on the cell outputs before the softmax.</summary>
    public double Output { get; init; } = 0.4;

    /// <summary>DropConnect on the hidden-to-hidden weights (one mask per window): the ENAS cell's node-0 recurrent
    /// matrix, the LSTM's W_hh.</summary>
    public double DropConnect { get; init; } = 0.5;

    /// <summary>No dropout at all.</summary>
    public static LmDropout None { get; } = new() { Embedding = 0, Input = 0, Hidden = 0, Output = 0, DropConnect = 0 };
}

/// <summary>
/// The recurrent part of a language model: runs T steps over time-major inputs and returns every step's output and
/// the final state. Implemented by the ENAS cell (<see cref="EnasRecurrentCore"/>) and the plain-LSTM baseline
/// (<see cref="LstmRecurrentCore"/>).
/// </summary>
public interface IRecurrentCore
{
    /// <summary>Hidden (and output) size H.</summary>
    int Hidden { get; }

    /// <summary>Number of [B, H] tensors in the carried state (1 for the ENAS cell, 2 for an LSTM).</summary>
    int StateCount { get; }

    /// <summary>
    /// Runs <paramref name="steps"/> steps. <paramref name="inputs"/> [steps * B, D] is time-major (row t * B + b);
    /// <paramref name="state"/> holds <see cref="StateCount"/> tensors [B, H]. Returns outputs [steps * B, H] (same
    /// order) and the final state. Dropout applies only when <paramref name="training"/>. With <paramref name="rows"/>
    /// the B rows are rows [Offset, Offset + Count) of a data-parallel batch of GlobalCount rows: locked masks are drawn
    /// for the whole batch and sliced, so the generator moves and the rows see the masks of one process.
    /// </summary>
    (Tensor Outputs, Tensor[] State) Forward(Tensor inputs, int steps, IReadOnlyList<Tensor> state, LmDropout dropout,
        bool training, Random rng, BatchShard? rows = null);
}

/// <summary>Locked-dropout masks shared by the cores and the language model.</summary>
internal static class LockedDropout
{
    /// <summary>A mask [rows, cols] of 0 and 1/(1-p) on <paramref name="like"/>'s device (no gradient; drawn on the
    /// host and uploaded), or null when not needed. With <paramref name="shard"/> (whose Count must be
    /// <paramref name="rows"/>) the mask is drawn for all GlobalCount rows and this shard's rows are kept.</summary>
    public static Tensor? Mask(int rows, int cols, double p, bool training, Random rng, Tensor like, BatchShard? shard = null)
    {
        if (!training || p <= 0) return null;
        if (shard is not { } s) return Tensor.DropoutMask(new Shape(rows, cols), p, rng, like.DType, like.Device);
        if (s.Count != rows)
            throw new ArgumentException($"a dropout mask of {rows} rows cannot be rows [{s.Offset}, {s.Offset + s.Count}) of a batch of {s.GlobalCount}");
        return Tensor.DropoutMask(new Shape(s.GlobalCount, cols), p, rng, like.DType, like.Device).Slice(0, s.Offset, s.Count);
    }

    /// <summary>Applies one [B, D] mask to every step of time-major x [steps * B, D] (B rows of
    /// <paramref name="shard"/>'s batch when given).</summary>
    public static Tensor Apply(Tensor x, int steps, int batch, double p, bool training, Random rng, BatchShard? shard = null)
    {
        var mask = Mask(batch, x.Shape[1], p, training, rng, x, shard);
        if (mask is null) return x;
        int d = x.Shape[1];
        return (x.Reshape(steps, batch, d) * mask.Reshape(1, batch, d)).Reshape(steps * batch, d);
    }
}
