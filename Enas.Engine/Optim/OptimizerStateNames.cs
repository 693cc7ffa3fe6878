using Enas.Kernels;

namespace Enas.Engine.Optim;

/// <summary>Parsing and uploading helpers shared by the optimisers' <c>LoadState</c>.</summary>
internal static class OptimizerStateNames
{
    /// <summary>Parses "&lt;prefix&gt;&lt;index&gt;" and checks the index names a parameter.</summary>
    public static int ParseIndex(string name, string prefix, int parameterCount, string optimizer)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal) ||
            !int.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int index))
            throw new ArgumentException($"{optimizer}: unknown state tensor '{name}' (expected '{prefix}<index>')");
        if (index >= parameterCount)
            throw new ArgumentException(
                $"{optimizer}: state tensor '{name}' names parameter {index}, but there are only {parameterCount}");
        return index;
    }

    /// <summary>Copies float values into a state tensor of the parameter's dtype, checking the length.</summary>
    public static void Upload(Tensor state, ReadOnlySpan<float> values, string name, Parameter parameter)
    {
        if (values.Length != state.ElementCount)
            throw new ShapeMismatchException("LoadState",
                $"state '{name}' has {values.Length} values but parameter '{parameter.Name}' {parameter.Shape} " +
                $"has {state.ElementCount}");
        if (state.DType == DType.Float64)
        {
            var wide = new double[values.Length];
            for (int k = 0; k < wide.Length; k++) wide[k] = values[k];
            state.Backend.Upload<double>(wide, state.Buffer);
        }
        else
        {
            state.Backend.Upload(values, state.Buffer);
        }
    }
}
