using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Data;
using Enas.Search.Network;

namespace Enas.Search.Training;

/// <summary>Accuracy and loss helpers for child networks.</summary>
public static class Evaluator
{
    /// <summary>Number of rows of <paramref name="logits"/> [N, K] whose argmax equals the label.</summary>
    public static int CountCorrect(Tensor logits, ReadOnlySpan<int> labels)
    {
        var data = logits.ToFloatArray();
        int k = logits.Shape[1], correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++) if (data[i * k + j] > data[i * k + best]) best = j;
            if (best == labels[i]) correct++;
        }
        return correct;
    }

    /// <summary>Accuracy of <paramref name="child"/> on one batch (no gradient, intermediates freed).</summary>
    public static double Accuracy(ChildNetwork child, Batch batch, Device device, ForwardContext ctx) =>
        (double)Evaluate(child, batch, device, ctx, withLoss: false).Correct / batch.Count;

    /// <summary>Accuracy over all images of <paramref name="batches"/> (one child, the same context for each).</summary>
    public static double Accuracy(ChildNetwork child, IReadOnlyList<Batch> batches, Device device, ForwardContext ctx) =>
        Over(child, batches, device, ctx, withLoss: false).Accuracy;

    /// <summary>Accuracy over every batch of <paramref name="batcher"/>'s epoch 0.</summary>
    public static double Accuracy(ChildNetwork child, Batcher batcher, Device device, ForwardContext ctx, int maxBatches = int.MaxValue) =>
        Over(child, Epoch0(batcher, maxBatches), device, ctx, withLoss: false).Accuracy;

    /// <summary>Accuracy and mean cross-entropy per image (main logits) over every batch of
    /// <paramref name="batcher"/>'s epoch 0; the accuracy equals <see cref="Accuracy(ChildNetwork, Batcher, Device, ForwardContext, int)"/>'s.</summary>
    public static EvaluationScore Score(ChildNetwork child, Batcher batcher, Device device, ForwardContext ctx) =>
        Over(child, Epoch0(batcher, int.MaxValue), device, ctx, withLoss: true);

    private static IEnumerable<Batch> Epoch0(Batcher batcher, int maxBatches) =>
        Enumerable.Range(0, Math.Min(maxBatches, batcher.BatchesPerEpoch)).Select(b => batcher.GetBatch(0, b));

    /// <summary>Accuracy (and, with <paramref name="withLoss"/>, mean cross-entropy) over all images of
    /// <paramref name="batches"/>, each batch forwarded on its own.</summary>
    private static EvaluationScore Over(ChildNetwork child, IEnumerable<Batch> batches, Device device, ForwardContext ctx, bool withLoss)
    {
        long correct = 0, total = 0;
        double lossSum = 0;
        foreach (var batch in batches)
        {
            var (c, loss) = Evaluate(child, batch, device, ctx, withLoss);
            correct += c;
            lossSum += loss;
            total += batch.Count;
        }
        return total == 0 ? new EvaluationScore(0, 0) : new EvaluationScore((double)correct / total, lossSum / total);
    }

    /// <summary>Images of <paramref name="batch"/> that <paramref name="child"/> classifies correctly and (with
    /// <paramref name="withLoss"/>) the batch's summed cross-entropy; no gradient, intermediates freed.</summary>
    private static (int Correct, double LossSum) Evaluate(ChildNetwork child, Batch batch, Device device, ForwardContext ctx, bool withLoss)
    {
        using var scope = TensorScope.Begin();
        using var _ = Tape.NoGrad();
        var (images, _) = batch.ToTensors(device);
        var logits = child.Forward(images, ctx).Logits;
        return (CountCorrect(logits, batch.LabelSpan), withLoss ? logits.CrossEntropy(batch.LabelSpan).Item() * batch.Count : 0);
    }
}

/// <summary>Accuracy and mean cross-entropy of a network over a set of images.</summary>
public readonly record struct EvaluationScore(double Accuracy, double Loss);

/// <summary>Thrown when a loss becomes NaN or infinite; the last good checkpoint is left as it was.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message);
