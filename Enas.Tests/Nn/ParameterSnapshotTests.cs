using Enas.Engine;
using Enas.Engine.Serialization;
using Enas.Kernels;

namespace Enas.Tests.Nn;

public sealed class ParameterSnapshotTests
{
    [Fact]
    public void RestoreWritesBackTheCapturedValuesOfEveryDtype()
    {
        using var a = Parameter.Create<float>("a", new Shape(2, 3), [1, 2, 3, 4, 5, 6]);
        using var b = Parameter.Create<double>("b", new Shape(3), [0.5, -1.25, 1e-300]);
        var snapshot = new ParameterSnapshot([a, b]);
        Assert.False(snapshot.HasValues);
        Assert.Throws<InvalidOperationException>(snapshot.Restore);

        snapshot.Capture();
        a.Load<float>([9, 9, 9, 9, 9, 9]);
        b.Load<double>([7, 7, 7]);
        snapshot.Restore();
        Assert.Equal([1f, 2, 3, 4, 5, 6], a.ToArray<float>());
        Assert.Equal([0.5, -1.25, 1e-300], b.ToArray<double>());

        // A later capture replaces the earlier one.
        a.Load<float>([0, 1, 0, 1, 0, 1]);
        snapshot.Capture();
        a.Load<float>([5, 5, 5, 5, 5, 5]);
        snapshot.Restore();
        Assert.Equal([0f, 1, 0, 1, 0, 1], a.ToArray<float>());
        Assert.Equal(DType.Float64, b.DType);
    }
}
