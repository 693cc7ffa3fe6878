using Enas.Kernels;

namespace Enas.Engine.Ops;

/// <summary>
/// Mean cross-entropy of logits [N, K] against int32 labels [N]: -mean_i log_softmax(logits)[i, label_i]. A composite
/// of LogSoftmax, a Gather of the N picked entries (flat index i * K + label_i) and a scaled Sum, so its gradient
/// (softmax - onehot) / N comes from those ops' backward rules on any device.
/// </summary>
internal static class CrossEntropyOp
{
    public static Tensor Apply(Tensor logits, Tensor labels)
    {
        OpChecks.SameDeviceAndFloat("CrossEntropy", logits);
        OpChecks.Rank("CrossEntropy", logits, 2, "logits [N, K]");
        OpChecks.Indices("CrossEntropy", labels, logits);
        int n = logits.Shape[0];
        if (labels.Shape.Rank != 1 || labels.Shape[0] != n)
            throw new ShapeMismatchException("CrossEntropy", $"labels must be [{n}] for logits {logits.Shape}, got {labels.Shape}");
        return Apply(logits, labels.ToArray<int>()); // checks emptiness and the label range
    }

    /// <summary>Host labels: checked here and turned into flat indices uploaded once (no read-back).</summary>
    public static Tensor Apply(Tensor logits, ReadOnlySpan<int> labels)
    {
        OpChecks.SameDeviceAndFloat("CrossEntropy", logits);
        OpChecks.Rank("CrossEntropy", logits, 2, "logits [N, K]");
        int n = logits.Shape[0], k = logits.Shape[1];
        if (labels.Length != n)
            throw new ShapeMismatchException("CrossEntropy", $"labels must be [{n}] for logits {logits.Shape}, got [{labels.Length}]");
        if (n == 0 || k == 0)
            throw new ShapeMismatchException("CrossEntropy", $"logits must not be empty, got {logits.Shape}");
        var flat = new int[n];
        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)k)
                throw new ArgumentOutOfRangeException(nameof(labels),
                    $"CrossEntropy: label {labels[i]} of example {i} is outside [0, {k}) for logits {logits.Shape}");
            flat[i] = i * k + labels[i];
        }
        if (TensorScope.Current is not null) return Compute(logits, flat);
        // No scope (hence no tape): free the intermediates here and hand back a caller-owned result.
        using var scope = TensorScope.Begin();
        return Compute(logits, flat).Persist();
    }

    private static Tensor Compute(Tensor logits, int[] flat)
    {
        int n = logits.Shape[0], k = logits.Shape[1];
        var indices = Tensor.FromArray(flat, new Shape(n), logits.Device);
        var logProbs = LogSoftmaxOp.Apply(logits).Reshape(n * k, 1);
        var picked = GatherOp.Apply(logProbs, indices, validate: false);
        return picked.Sum().ScaleShift(-1.0 / n);
    }
}
