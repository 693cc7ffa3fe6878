namespace Enas.Engine.Autodiff;

/// <summary>
/// One recorded operation: holds its inputs and whatever state its backward needs. Each op file in Ops/ defines a
/// static Apply (validate, compute, record) and a nested or sibling Op subclass with the backward rule.
/// </summary>
public abstract class Op
{
    /// <summary>Name for messages and profiling.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Propagates <paramref name="gradOutput"/> (same shape as the op's output) to the inputs that want it, calling
    /// <see cref="GradientSink.Accumulate"/> once per input gradient. Gradients handed to the sink must be fresh
    /// tensors or tensors the op will not touch again.
    /// </summary>
    public abstract void Backward(Tensor gradOutput, GradientSink sink);

    /// <summary>What the op computes and the operands it read, in the description's order, for
    /// <see cref="Tracing.GraphTrace"/>; null for an op that cannot be exported.</summary>
    internal virtual (Tracing.OpDescription Description, Tensor[] Operands)? Describe() => null;
}
