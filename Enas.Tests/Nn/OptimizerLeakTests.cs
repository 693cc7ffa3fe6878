using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Engine.Optim;
using Enas.Kernels;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Nn;

[Collection(LeakCheckCollection.Name)]
public class OptimizerLeakTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LiveBuffersReturnToBaselineAcrossOptimizerSteps(bool adam)
    {
        var backend = Backends.Cpu;
        int start = backend.LiveBufferCount;
        var mlp = new TinyModel(1);
        Optimizer opt = adam ? new Adam(mlp.Parameters(), 0.01) : new Sgd(mlp.Parameters(), 0.01, 0.9);
        int afterFirst = 0;
        for (int step = 0; step < 5; step++)
        {
            using (var tape = Tape.Record())
            {
                var loss = mlp.Forward(Tensor.Full(new Shape(3, 4), 0.5)).Square().Sum();
                tape.Backward(loss);
            }
            GradClip.ClipGlobalNorm(mlp.Parameters(), 0.1);
            opt.Step();
            opt.ZeroGrad();
            _ = opt.StateTensors().Count();
            if (step == 0) afterFirst = backend.LiveBufferCount;
            else Assert.Equal(afterFirst, backend.LiveBufferCount);
        }
        opt.Dispose();
        mlp.Dispose();
        Assert.Equal(start, backend.LiveBufferCount);
    }

    [Fact]
    public void DisposingModulesReleasesParametersAndBuffers()
    {
        var backend = Backends.Cpu;
        int start = backend.LiveBufferCount;
        var seq = new Enas.Engine.Nn.Sequential()
            .Add(new Enas.Engine.Nn.Conv2D("c", 3, 4, 3, 1, 1, new Random(1)))
            .Add(new Enas.Engine.Nn.BatchNorm2D("bn", 4, affine: true));
        Assert.Equal(start + 5, backend.LiveBufferCount); // weight, gamma, beta, running mean, running var
        seq.Dispose();
        Assert.Equal(start, backend.LiveBufferCount);
    }
}
