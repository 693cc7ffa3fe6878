using Enas.Engine.Nn;
using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network.Recurrent;

/// <summary>
/// The ENAS cell as a language-model core. Holds the weight bank (shared: all edges; or one cell's fresh weights)
/// and the current cell, which search replaces at every step with <see cref="SetCell"/>.
/// </summary>
public sealed class EnasRecurrentCore : Module, IRecurrentCore
{
    private RecurrentCell _cell;

    /// <summary>Wraps <paramref name="weights"/> running <paramref name="cell"/>; the state's rows are capped at norm
    /// <paramref name="maxHiddenNorm"/> after every step (0 turns the cap off; see <see cref="HiddenNormClip"/>); h_t
    /// averages the nodes <paramref name="output"/> selects.</summary>
    public EnasRecurrentCore(RnnWeightBank weights, RnnCellSpec cell, double maxHiddenNorm = HiddenNormClip.DefaultMaxNorm,
        RnnCellOutput output = RnnCellOutput.LooseEnds)
    {
        Weights = RegisterModule("cell", weights);
        Output = output;
        _cell = new RecurrentCell(cell, weights, output);
        MaxHiddenNorm = maxHiddenNorm;
    }

    /// <summary>Which nodes h_t averages.</summary>
    public RnnCellOutput Output { get; }

    /// <summary>Cap on each row's norm of the hidden state (0: none).</summary>
    public double MaxHiddenNorm { get; }

    /// <summary>The weights.</summary>
    public RnnWeightBank Weights { get; }

    /// <summary>The cell currently run.</summary>
    public RnnCellSpec Cell => _cell.Spec;

    /// <inheritdoc />
    public int Hidden => Weights.Hidden;

    /// <inheritdoc />
    public int StateCount => 1;

    /// <summary>Runs <paramref name="cell"/> from now on (its edges must be in the bank).</summary>
    public void SetCell(RnnCellSpec cell) => _cell = new RecurrentCell(cell, Weights, Output);

    /// <inheritdoc />
    public (Tensor Outputs, Tensor[] State) Forward(Tensor inputs, int steps, IReadOnlyList<Tensor> state,
        LmDropout dropout, bool training, Random rng, BatchShard? rows = null)
    {
        var h = state[0];
        int batch = h.Shape[0];
        var recurrent = training && dropout.DropConnect > 0
            ? Weights.Recurrent.Dropout(dropout.DropConnect, rng)
            : Weights.Recurrent;
        var hiddenMask = LockedDropout.Mask(batch, Hidden, dropout.Hidden, training, rng, h, rows);
        var projected = _cell.ProjectInput(inputs);
        var outputs = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            var fed = hiddenMask is null ? h : h * hiddenMask;
            h = HiddenNormClip.Apply(_cell.Step(projected.Slice(0, t * batch, batch), fed, recurrent), MaxHiddenNorm);
            outputs[t] = h;
        }
        return (steps == 1 ? outputs[0] : Tensor.Concat(outputs, 0), [h]);
    }
}

/// <summary>The plain-LSTM baseline core (the engine's <see cref="LstmCell"/>) of the same hidden size, regularised
/// like the ENAS cell (locked hidden dropout, DropConnect on its hidden-to-hidden weights).</summary>
public sealed class LstmRecurrentCore : Module, IRecurrentCore
{
    private readonly LstmCell _lstm;

    /// <summary>Creates the LSTM with input size <paramref name="inputSize"/> and hidden size <paramref name="hidden"/>,
    /// weights U(±<paramref name="initRange"/>), on <paramref name="device"/> (the CPU when null).</summary>
    public LstmRecurrentCore(int inputSize, int hidden, Random rng, double initRange = 0.1, Device? device = null) =>
        _lstm = RegisterModule("lstm", new LstmCell("lstm", inputSize, hidden, rng, device, initRange));

    /// <inheritdoc />
    public int Hidden => _lstm.HiddenSize;

    /// <inheritdoc />
    public int StateCount => 2;

    /// <inheritdoc />
    public (Tensor Outputs, Tensor[] State) Forward(Tensor inputs, int steps, IReadOnlyList<Tensor> state,
        LmDropout dropout, bool training, Random rng, BatchShard? rows = null)
    {
        var (h, c) = (state[0], state[1]);
        int batch = h.Shape[0];
        var hiddenMask = LockedDropout.Mask(batch, Hidden, dropout.Hidden, training, rng, h, rows);
        var projected = _lstm.ProjectInput(inputs);
        // DropConnect on the hidden-to-hidden weights, as on the ENAS cell's (and AWD-LSTM's weight drop)
        var recurrent = training && dropout.DropConnect > 0 ? _lstm.WeightHidden.Dropout(dropout.DropConnect, rng) : null;
        var outputs = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            var fed = hiddenMask is null ? h : h * hiddenMask;
            (h, c) = _lstm.ForwardProjected(projected.Slice(0, t * batch, batch), fed, c, recurrent);
            outputs[t] = h;
        }
        return (steps == 1 ? outputs[0] : Tensor.Concat(outputs, 0), [h, c]);
    }
}
