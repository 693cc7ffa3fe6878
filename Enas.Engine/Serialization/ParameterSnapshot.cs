using Enas.Kernels;

namespace Enas.Engine.Serialization;

/// <summary>
/// A host copy of some parameters' values, taken with <see cref="Capture"/> and written back with
/// <see cref="Restore"/>: "keep the weights of the best epoch" without a file. Holds host memory only.
/// </summary>
public sealed class ParameterSnapshot
{
    private readonly Parameter[] _parameters;
    private readonly Array?[] _values;

    /// <summary>A snapshot of <paramref name="parameters"/>, empty until the first <see cref="Capture"/>.</summary>
    public ParameterSnapshot(IEnumerable<Parameter> parameters)
    {
        _parameters = parameters.ToArray();
        _values = new Array?[_parameters.Length];
    }

    /// <summary>True once <see cref="Capture"/> has run.</summary>
    public bool HasValues => _values.Length == 0 || _values[0] is not null;

    /// <summary>Copies the current values to the host (replacing an earlier capture).</summary>
    public void Capture()
    {
        for (int i = 0; i < _parameters.Length; i++)
            _values[i] = _parameters[i].DType == DType.Float64 ? _parameters[i].ToArray<double>() : _parameters[i].ToArray<float>();
    }

    /// <summary>Writes the captured values back into the parameters.</summary>
    /// <exception cref="InvalidOperationException">Nothing was captured.</exception>
    public void Restore()
    {
        if (!HasValues) throw new InvalidOperationException("ParameterSnapshot.Restore: Capture was never called");
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (_values[i] is double[] d) _parameters[i].Load<double>(d);
            else _parameters[i].Load<float>((float[])_values[i]!);
        }
    }
}
