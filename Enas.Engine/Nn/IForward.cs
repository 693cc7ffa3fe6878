namespace Enas.Engine.Nn;

/// <summary>A module (or function) with one input and one output, so it can sit in a <see cref="Sequential"/>.</summary>
public interface IForward
{
    /// <summary>Applies the layer.</summary>
    Tensor Forward(Tensor x);
}
