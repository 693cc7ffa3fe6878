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
        (double)Correct(child, batch, device, ctx) / batch.Count;

    /// <summary>Accuracy over all images of <paramref name="batches"/> (one child, the same context for each).</summary>
    public static double Accuracy(ChildNetwork child, IReadOnlyList<Batch> batches, Device device, ForwardContext ctx) =>
        AccuracyOver(child, batches, device, ctx);

    /// <summary>Accuracy over every batch of <paramref name="batcher"/>'s epoch 0.</summary>
    public static double Accuracy(ChildNetwork child, Batcher batcher, Device device, ForwardContext ctx, int maxBatches = int.MaxValue) =>
        AccuracyOver(child, Enumerable.Range(0, Math.Min(maxBatches, batcher.BatchesPerEpoch)).Select(b => batcher.GetBatch(0, b)),
            device, ctx);

    /// <summary>Correct images over all images of <paramref name="batches"/>, each batch forwarded on its own.</summary>
    private static double AccuracyOver(ChildNetwork child, IEnumerable<Batch> batches, Device device, ForwardContext ctx)
    {
        long correct = 0, total = 0;
        foreach (var batch in batches)
        {
            correct += Correct(child, batch, device, ctx);
            total += batch.Count;
        }
        return total == 0 ? 0 : (double)correct / total;
    }

    /// <summary>Images of <paramref name="batch"/> that <paramref name="child"/> classifies correctly (no gradient).</summary>
    private static int Correct(ChildNetwork child, Batch batch, Device device, ForwardContext ctx)
    {
        using var scope = TensorScope.Begin();
        using var _ = Tape.NoGrad();
        var (images, _) = batch.ToTensors(device);
        var logits = child.Forward(images, ctx).Logits;
        return CountCorrect(logits, batch.LabelSpan);
    }
}

/// <summary>Thrown when a loss becomes NaN or infinite; the last good checkpoint is left as it was.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message);
