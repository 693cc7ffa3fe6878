namespace Enas.Engine.Nn;

/// <summary>
/// One LSTM step: gates [N, 4H] = x [N, in] @ WeightInput [in, 4H] + h [N, H] @ WeightHidden [H, 4H] + Bias [4H],
/// split along the last axis into input, forget, cell and output gates (in that order); c' = sigmoid(f) * c +
/// sigmoid(i) * tanh(g); h' = sigmoid(o) * tanh(c'). Parameters U(-initRange, initRange) (ENAS: 0.1), named
/// "&lt;name&gt;.weight_ih", "&lt;name&gt;.weight_hh", "&lt;name&gt;.bias".
/// </summary>
public sealed class LstmCell : Module
{
    /// <summary>Creates the cell (float32, on <paramref name="device"/> or the CPU).</summary>
    public LstmCell(string name, int inputSize, int hiddenSize, Random rng, Device? device = null,
        double initRange = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        Name = name;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        var wx = new Shape(inputSize, 4 * hiddenSize);
        var wh = new Shape(hiddenSize, 4 * hiddenSize);
        var b = new Shape(4 * hiddenSize);
        WeightInput = RegisterParameter("weight_ih",
            Parameter.Create<float>(name + ".weight_ih", wx, Init.Uniform(wx, initRange, rng), device));
        WeightHidden = RegisterParameter("weight_hh",
            Parameter.Create<float>(name + ".weight_hh", wh, Init.Uniform(wh, initRange, rng), device));
        Bias = RegisterParameter("bias",
            Parameter.Create<float>(name + ".bias", b, Init.Uniform(b, initRange, rng), device));
    }

    /// <summary>Creates a cell from existing parameters (float64 gradient checks, weight sharing).</summary>
    public LstmCell(string name, Parameter weightInput, Parameter weightHidden, Parameter bias)
    {
        int h4 = weightHidden.Shape.Rank == 2 ? weightHidden.Shape[1] : -1;
        if (weightInput.Shape.Rank != 2 || h4 % 4 != 0 || weightHidden.Shape[0] * 4 != h4 ||
            weightInput.Shape[1] != h4 || bias.Shape != new Shape(h4))
            throw new ShapeMismatchException("LstmCell",
                $"'{name}': weights {weightInput.Shape}, {weightHidden.Shape}, bias {bias.Shape} are not " +
                "[in, 4H], [H, 4H], [4H]");
        Name = name;
        InputSize = weightInput.Shape[0];
        HiddenSize = h4 / 4;
        WeightInput = RegisterParameter("weight_ih", weightInput);
        WeightHidden = RegisterParameter("weight_hh", weightHidden);
        Bias = RegisterParameter("bias", bias);
    }

    /// <summary>Name given at construction.</summary>
    public string Name { get; }

    /// <summary>Input features.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units H.</summary>
    public int HiddenSize { get; }

    /// <summary>[in, 4H].</summary>
    public Parameter WeightInput { get; }

    /// <summary>[H, 4H].</summary>
    public Parameter WeightHidden { get; }

    /// <summary>[4H].</summary>
    public Parameter Bias { get; }

    /// <summary>x [N, in], h [N, H], c [N, H] to the next (h, c), each [N, H].</summary>
    public (Tensor H, Tensor C) Forward(Tensor x, Tensor h, Tensor c)
    {
        if (x.Shape.Rank != 2 || x.Shape[1] != InputSize || h.Shape != new Shape(x.Shape[0], HiddenSize) ||
            c.Shape != h.Shape)
            throw new ShapeMismatchException("LstmCell",
                $"'{Name}' expects x [N, {InputSize}], h and c [N, {HiddenSize}]; got {x.Shape}, {h.Shape}, {c.Shape}");
        return Step(x.MatMul(WeightInput) + Bias, h, c, WeightHidden);
    }

    /// <summary>
    /// The input's share of the gates for many steps at once: x [T·N, in] to x @ WeightInput + Bias [T·N, 4H], one
    /// GEMM instead of T small ones. Feed row block t to <see cref="ForwardProjected"/>.
    /// </summary>
    public Tensor ProjectInput(Tensor x)
    {
        if (x.Shape.Rank != 2 || x.Shape[1] != InputSize)
            throw new ShapeMismatchException("LstmCell", $"'{Name}' expects x [N, {InputSize}]; got {x.Shape}");
        return x.MatMul(WeightInput) + Bias;
    }

    /// <summary>
    /// One step from a row block [N, 4H] of <see cref="ProjectInput"/>, h and c [N, H]. <paramref name="weightHidden"/>
    /// [H, 4H] replaces <see cref="WeightHidden"/> for this step (e.g. a DropConnect-masked copy of it).
    /// </summary>
    public (Tensor H, Tensor C) ForwardProjected(Tensor xProjected, Tensor h, Tensor c, Tensor? weightHidden = null)
    {
        if (xProjected.Shape.Rank != 2 || xProjected.Shape[1] != 4 * HiddenSize ||
            h.Shape != new Shape(xProjected.Shape[0], HiddenSize) || c.Shape != h.Shape ||
            (weightHidden is not null && weightHidden.Shape != WeightHidden.Shape))
            throw new ShapeMismatchException("LstmCell",
                $"'{Name}' expects projected x [N, {4 * HiddenSize}], h and c [N, {HiddenSize}], hidden weight " +
                $"{WeightHidden.Shape}; got {xProjected.Shape}, {h.Shape}, {c.Shape}, {weightHidden?.Shape ?? WeightHidden.Shape}");
        return Step(xProjected, h, c, weightHidden ?? WeightHidden);
    }

    private (Tensor H, Tensor C) Step(Tensor xProjected, Tensor h, Tensor c, Tensor weightHidden)
    {
        var gates = xProjected + h.MatMul(weightHidden);
        int hs = HiddenSize;
        var i = gates.Slice(1, 0, hs).Sigmoid();
        var f = gates.Slice(1, hs, hs).Sigmoid();
        var g = gates.Slice(1, 2 * hs, hs).Tanh();
        var o = gates.Slice(1, 3 * hs, hs).Sigmoid();
        var cNext = f * c + i * g;
        return (o * cNext.Tanh(), cNext);
    }
}
