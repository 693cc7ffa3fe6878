using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network;

namespace Enas.Search.Training;

/// <summary>One training step's numbers: the scalar loss, and how many of the batch's <paramref name="Count"/> images
/// the main logits classified right.</summary>
public readonly record struct ChildStepResult(double Loss, int Correct, int Count);

/// <summary>
/// The forward and backward pass of one child training step, shared by search (shared weights), retraining (fresh
/// weights) and the start-up time estimate: logits [N, classes] of the child on the batch's images [N, C, H, W],
/// cross-entropy with the labels [N] plus aux weight × the auxiliary head's cross-entropy (when the head is on and a
/// weight is given), a check that the loss is finite, backward onto the weights' gradients, and the argmax hits. The
/// optimiser step is the caller's.
/// </summary>
public static class ChildStep
{
    /// <summary>Runs the step on <paramref name="device"/>.</summary>
    /// <param name="child">The network trained (training-mode forward).</param>
    /// <param name="batch">Images [N, C, H, W] and labels [N] on the host.</param>
    /// <param name="ctx">Training flag, random generator (dropout, drop-path) and schedule progress.</param>
    /// <param name="auxWeight">Weight of the auxiliary head's loss; null leaves it out.</param>
    /// <param name="device">Where the batch is uploaded and the step runs.</param>
    /// <param name="nonFinite">The message of the <see cref="NonFiniteLossException"/> thrown, given the loss value,
    /// when the loss is NaN or infinite (before any gradient is written).</param>
    public static ChildStepResult ForwardBackward(ChildNetwork child, Batch batch, ForwardContext ctx, double? auxWeight,
        Device device, Func<double, string> nonFinite)
    {
        using var tape = Tape.Record();
        var (images, labels) = batch.ToTensors(device);
        var output = child.Forward(images, ctx);
        var loss = output.Logits.CrossEntropy(labels);
        if (output.AuxLogits is { } aux && auxWeight is { } weight) loss = loss + aux.CrossEntropy(labels) * weight;
        double value = loss.Item();
        if (!double.IsFinite(value)) throw new NonFiniteLossException(nonFinite(value));
        tape.Backward(loss);
        return new ChildStepResult(value, Evaluator.CountCorrect(output.Logits, batch.LabelSpan), batch.Count);
    }
}

/// <summary>Running mean loss (weighted by batch size) and accuracy over the steps of an epoch.</summary>
public sealed class StepTally
{
    private double _lossSum;
    private long _correct, _seen;

    /// <summary>Adds one step.</summary>
    public void Add(ChildStepResult step)
    {
        _lossSum += step.Loss * step.Count;
        _correct += step.Correct;
        _seen += step.Count;
    }

    /// <summary>Replaces the sums by their sums over every rank of <paramref name="communicator"/> (one all-reduce of
    /// three doubles): the whole batch's epoch numbers when each rank added its own shards.</summary>
    public void SumOver(ICommunicator communicator)
    {
        Span<double> sums = [_lossSum, _correct, _seen];
        communicator.AllReduceSum(sums);
        (_lossSum, _correct, _seen) = (sums[0], (long)sums[1], (long)sums[2]);
    }

    /// <summary>Mean loss per image (0 before any step).</summary>
    public double MeanLoss => _lossSum / Math.Max(1, _seen);

    /// <summary>Fraction of images classified right (0 before any step).</summary>
    public double Accuracy => (double)_correct / Math.Max(1, _seen);
}
