namespace Enas.Engine.Autodiff;

/// <summary>
/// Receives gradients during <see cref="Tape.Backward"/>. Gradients of parameters accumulate into
/// <see cref="Tensor.Grad"/> (a tensor used many times, like a shared ENAS weight, sums its contributions);
/// gradients of intermediates are routed to the ops that produced them.
/// </summary>
public sealed class GradientSink
{
    private readonly Dictionary<Tensor, (Tensor Grad, bool Exclusive)> _pending =
        new(ReferenceEqualityComparer.Instance);

    /// <summary>Whether a gradient for <paramref name="tensor"/> is needed.</summary>
    public static bool Wants(Tensor tensor) => tensor.RequiresGrad;

    /// <summary>Adds <paramref name="grad"/> (shape of <paramref name="target"/>) to the target's gradient.</summary>
    public void Accumulate(Tensor target, Tensor grad)
    {
        if (!target.RequiresGrad) return;
        if (grad.Shape != target.Shape)
            throw new ShapeMismatchException("Backward",
                $"gradient shape {grad.Shape} does not match tensor shape {target.Shape}");
        if (!target.IsTapeOutput)
        {
            AccumulateLeaf(target, grad);
            return;
        }
        if (!_pending.TryGetValue(target, out var entry))
        {
            _pending[target] = (grad, false);
            return;
        }
        var sum = entry.Grad;
        if (!entry.Exclusive)
        {
            // The stored gradient may be shared with another input (x + x); never write into it.
            sum = Tensor.EmptyLike(entry.Grad);
            sum.Backend.CopyStrided(Kernels.StridedCopyDescriptor.Contiguous(sum.ElementCount), entry.Grad.Buffer,
                sum.Buffer);
        }
        sum.Backend.Axpy(grad.Buffer, sum.Buffer, sum.ElementCount, 1.0);
        _pending[target] = (sum, true);
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor grad)
    {
        if (leaf.Grad is null)
        {
            var g = Tensor.EmptyLike(leaf, persistent: true);
            g.Backend.CopyStrided(Kernels.StridedCopyDescriptor.Contiguous(g.ElementCount), grad.Buffer, g.Buffer);
            leaf.Grad = g;
            return;
        }
        leaf.Backend.Axpy(grad.Buffer, leaf.Grad.Buffer, leaf.ElementCount, 1.0);
    }

    /// <summary>Removes and returns the gradient routed to <paramref name="output"/>, or null.</summary>
    internal Tensor? Take(Tensor output)
    {
        if (!_pending.Remove(output, out var entry)) return null;
        return entry.Grad;
    }

    /// <summary>Seeds the gradient of the tensor backward starts from.</summary>
    internal void Seed(Tensor output, Tensor grad) => _pending[output] = (grad, false);
}
