using Enas.Engine.Autodiff;
using Enas.Engine;
using Enas.Search.Network.Recurrent;

namespace Enas.Tests.Rnn;

public sealed class LstmCoreDropConnectTests
{
    [Fact]
    public void DropConnectMasksTheLstmHiddenWeightsInTrainingOnly()
    {
        using var scope = TensorScope.Begin();
        using var core = new LstmRecurrentCore(4, 6, new Random(5));
        var x = Tensor.FromArray(Enumerable.Range(0, 3 * 2 * 4).Select(i => (float)Math.Sin(i)).ToArray(), new Shape(3 * 2, 4));
        var h = Tensor.Full(new Shape(2, 6), 0.5);
        var c = Tensor.Zeros(new Shape(2, 6));
        double[] Run(LmDropout d, bool training, int seed)
        {
            using (Tape.NoGrad())
                return core.Forward(x, 3, [h, c], d, training, new Random(seed)).Outputs.ToDoubleArray();
        }
        var plain = Run(LmDropout.None, training: false, 1);
        Assert.Equal(plain, Run(LmDropout.None, training: true, 1));
        var dropConnect = LmDropout.None with { DropConnect = 0.5 };
        Assert.Equal(plain, Run(dropConnect, training: false, 1));
        var masked = Run(dropConnect, training: true, 1);
        Assert.NotEqual(plain, masked);
        Assert.Equal(masked, Run(dropConnect, training: true, 1));
        // step 0 reads h through W_hh too, so even the first step's outputs change
        Assert.NotEqual(plain[..12], masked[..12]);
    }
}
