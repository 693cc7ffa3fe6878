using Enas.Engine;
using Enas.Search.Sharing;

namespace Enas.Search.Network;

/// <summary>
/// A search cell's two inputs calibrated to its width C. A reduction cell first applies a factorised reduction to the
/// previous output and reads the previous output as its first input (ENAS's emulation); the first input is then
/// factorised-reduced when it is larger than the second, or ReLU-1×1-BN'd when only its channels differ; the second
/// is ReLU-1×1-BN'd when its channels differ.
/// </summary>
internal sealed class MicroCellInputs
{
    private readonly FactorizedReduce? _reduceInput;
    private readonly FactorizedReduce? _calibrateReduce0;
    private readonly ConvBn? _calibrate0, _calibrate1;

    /// <summary>Takes the calibration weights of cell <paramref name="cell"/> from <paramref name="source"/>.</summary>
    public MicroCellInputs(IWeightSource source, Device device, string cell, bool reduction, int width,
        FeatureShape prevPrev, FeatureShape prev)
    {
        FeatureShape s0 = prevPrev, s1 = prev;
        if (reduction)
        {
            _reduceInput = new FactorizedReduce(source, new WeightKey(cell, -1, null, "reduce_input"), prev.Channels, width, device);
            (s0, s1) = (prev, new FeatureShape(width, (prev.Size + 1) / 2));
        }
        if (s0.Size != s1.Size)
            _calibrateReduce0 = new FactorizedReduce(source, new WeightKey(cell, -1, null, "calibrate0"), s0.Channels, width, device);
        else if (s0.Channels != width)
            _calibrate0 = new ConvBn(source, new WeightKey(cell, -1, null, "calibrate0"), s0.Channels, width, 1, true, false);
        if (s1.Channels != width)
            _calibrate1 = new ConvBn(source, new WeightKey(cell, -1, null, "calibrate1"), s1.Channels, width, 1, true, false);
        Size = s1.Size;
    }

    /// <summary>Spatial size of both calibrated inputs.</summary>
    public int Size { get; }

    /// <summary>[N, C0, H0, W0] and [N, C1, H1, W1] to two [N, C, Size, Size].</summary>
    public (Tensor X0, Tensor X1) Forward(Tensor prevPrev, Tensor prev, ForwardContext ctx)
    {
        Tensor x0 = prevPrev, x1 = prev;
        if (_reduceInput is not null) (x0, x1) = (prev, _reduceInput.Forward(prev, ctx));
        if (_calibrateReduce0 is not null) x0 = _calibrateReduce0.Forward(x0, ctx);
        else if (_calibrate0 is not null) x0 = _calibrate0.Forward(x0, ctx);
        if (_calibrate1 is not null) x1 = _calibrate1.Forward(x1, ctx);
        return (x0, x1);
    }
}
