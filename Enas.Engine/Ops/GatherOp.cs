using Enas.Engine.Autodiff;
using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// Row lookup: output [n, D] = table [V, D] rows at int32 indices [n] (embeddings). Backward scatter-adds the output
/// gradient into a zero table gradient, so repeated indices accumulate.
/// </summary>
internal sealed class GatherOp : Op
{
    private readonly Tensor _table;
    private readonly Tensor _indices;

    private GatherOp(Tensor table, Tensor indices) => (_table, _indices) = (table, indices);

    public override string Name => "Gather";

    public static Tensor Apply(Tensor table, Tensor indices, bool validate = true)
    {
        OpChecks.SameDeviceAndFloat("Gather", table);
        OpChecks.Rank("Gather", table, 2, "table [V, D]");
        OpChecks.Indices("Gather", indices, table);
        OpChecks.Rank("Gather", indices, 1, "indices [n]");
        int rows = table.Shape[0], dim = table.Shape[1], count = indices.Shape[0];
        if (validate) CheckRange("Gather", indices.ToArray<int>(), rows, $"table {table.Shape}");
        var output = Tensor.EmptyLike(table, new Shape(count, dim));
        table.Backend.Gather(table.Buffer, indices.Buffer, output.Buffer, count, dim);
        Tape.RecordIfNeeded(new GatherOp(table, indices), output, table);
        return output;
    }

    /// <summary>Host indices: checked here, then uploaded to the table's device (no read-back).</summary>
    public static Tensor Apply(Tensor table, ReadOnlySpan<int> indices)
    {
        OpChecks.SameDeviceAndFloat("Gather", table);
        OpChecks.Rank("Gather", table, 2, "table [V, D]");
        CheckRange("Gather", indices, table.Shape[0], $"table {table.Shape}");
        if (TensorScope.Current is not null)
            return Apply(table, Tensor.FromArray(indices, new Shape(indices.Length), table.Device), validate: false);
        // No scope (hence no tape): free the uploaded indices here and hand back a caller-owned result.
        using var scope = TensorScope.Begin();
        return Apply(table, Tensor.FromArray(indices, new Shape(indices.Length), table.Device), validate: false).Persist();
    }

    /// <summary>Throws unless every index is in [0, limit).</summary>
    internal static void CheckRange(string op, ReadOnlySpan<int> indices, int limit, string what)
    {
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)limit)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"{op}: index {indices[i]} at position {i} is outside [0, {limit}) for {what}");
    }

    public override void Backward(Tensor gradOutput, GradientSink sink)
    {
        var dTable = Tensor.ZerosLike(_table);
        _table.Backend.ScatterAdd(gradOutput.Buffer, _indices.Buffer, dTable.Buffer, _indices.Shape[0],
            _table.Shape[1]);
        sink.Accumulate(_table, dTable);
    }
}
