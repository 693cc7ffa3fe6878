using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Kernels;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Core;

[Collection(LiveBufferCollection.Name)] // its leak check reads the global live-buffer count
public class TapeTests
{
    [Fact]
    public void TapeDisposalReturnsEveryIntermediateToThePool()
    {
        using var w = Parameter.Full("w", new Shape(64, 64), 0.5);
        var backend = Backends.Cpu;
        for (int step = 0; step < 3; step++)
        {
            int before = backend.LiveBufferCount;
            using (var tape = Tape.Record())
            {
                var x = Tensor.Full(new Shape(64, 64), 0.1);
                var loss = (x * w).Tanh().Sum();
                tape.Backward(loss);
            }
            w.ZeroGrad();
            Assert.Equal(before, backend.LiveBufferCount);
        }
    }

    [Fact]
    public void UnusedParametersGetNoGradient()
    {
        using var used = Parameter.Full("used", new Shape(3), 1);
        using var unused = Parameter.Full("unused", new Shape(3), 1);
        using (var tape = Tape.Record())
        {
            tape.Backward((used * used).Sum());
        }
        Assert.NotNull(used.Grad);
        Assert.Null(unused.Grad);
        Assert.Equal(new[] { 2f, 2f, 2f }, used.Grad!.ToArray<float>());
        used.ZeroGrad();
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        using var w = Parameter.Full("w", new Shape(3), 1);
        using var tape = Tape.Record();
        using (Tape.NoGrad())
        {
            var y = w * w;
            Assert.False(y.RequiresGrad);
        }
        Assert.Equal(0, tape.Count);
    }

    [Fact]
    public void PersistedTensorOutlivesItsScope()
    {
        Tensor kept;
        using (TensorScope.Begin())
        {
            var t = Tensor.Full(new Shape(2), 3);
            kept = t.Persist();
        }
        Assert.Equal(new[] { 3f, 3f }, kept.ToArray<float>());
        kept.Dispose();
    }
}
