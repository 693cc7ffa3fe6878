namespace Enas.Engine.Serialization;

/// <summary>One named float32 tensor in a checkpoint: its shape and row-major values.</summary>
/// <param name="Name">Unique name within the file, e.g. "model/cells.0.conv.weight" or "optim/velocity/3".</param>
/// <param name="Shape">Dimensions (product equals Data.Length; empty for a scalar).</param>
/// <param name="Data">Values, row-major.</param>
public sealed record CheckpointEntry(string Name, int[] Shape, float[] Data)
{
    /// <summary>Number of elements the shape describes.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    /// <summary>The shape formatted like <see cref="Engine.Shape"/>: "[2, 3]".</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
