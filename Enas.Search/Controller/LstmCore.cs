using Enas.Engine;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>
/// The controller's one-layer LSTM without bias (as the official ENAS controller), written with MatMul and
/// elementwise ops: i, f, o = σ(x·Wx + h·Wh), g = tanh(x·Wx + h·Wh), c' = i·g + f·c, h' = o·tanh(c').
/// </summary>
internal sealed class LstmCore
{
    private readonly Parameter[] _wx = new Parameter[4], _wh = new Parameter[4];

    public LstmCore(Func<string, Shape, Parameter> create, int hidden)
    {
        string[] gates = ["i", "f", "o", "g"];
        for (int k = 0; k < 4; k++)
        {
            _wx[k] = create($"lstm.wx_{gates[k]}", new Shape(hidden, hidden));
            _wh[k] = create($"lstm.wh_{gates[k]}", new Shape(hidden, hidden));
        }
    }

    /// <summary>One step on x, h, c [1, H].</summary>
    public (Tensor H, Tensor C) Step(Tensor x, Tensor h, Tensor c)
    {
        Tensor Gate(int k) => x.MatMul(_wx[k]) + h.MatMul(_wh[k]);
        var i = Gate(0).Sigmoid();
        var f = Gate(1).Sigmoid();
        var o = Gate(2).Sigmoid();
        var g = Gate(3).Tanh();
        var next = i * g + f * c;
        return (o * next.Tanh(), next);
    }
}

/// <summary>Uniform(-bound, bound) parameter creation for the controller.</summary>
internal static class ControllerInit
{
    public static Parameter Uniform(string name, Shape shape, double bound, XoshiroRandom rng)
    {
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = (float)((rng.NextDouble() * 2 - 1) * bound);
        return Parameter.Create<float>(name, shape, data, Device.Cpu);
    }
}
