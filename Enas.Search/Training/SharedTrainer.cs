using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>Summary of one pass of shared-weight training.</summary>
public sealed record SharedEpochResult(double Loss, double Accuracy, double GradNorm, int Steps);

/// <summary>
/// Trains the shared weights: one pass over the training batches, a freshly sampled child per step, cross-entropy
/// (+ aux weight × aux loss when the head is on), SGD Nesterov with L2 and real gradient clipping.
/// </summary>
public sealed class SharedTrainer(IController controller, WeightBank bank, ChildSgd sgd, NetworkOptions network,
    double auxWeight, Device device)
{
    /// <summary>Runs epoch <paramref name="epoch"/>; <paramref name="onStep"/> gets (step, total).</summary>
    public SharedEpochResult RunEpoch(Batcher batcher, int epoch, XoshiroRandom archRng, XoshiroRandom dropRng,
        Action<int, int>? onStep = null)
    {
        double lossSum = 0, normSum = 0;
        long correct = 0, seen = 0;
        int steps = batcher.BatchesPerEpoch;
        for (int b = 0; b < steps; b++)
        {
            var batch = batcher.GetBatch(epoch, b);
            Spaces.Architecture arch;
            using (TensorScope.Begin())
            using (Tape.NoGrad())
                arch = controller.Sample(archRng).Architecture;
            var child = ChildBuilder.Build(controller.Space, arch, network, bank, device);
            using (var tape = Tape.Record())
            {
                var (images, labels) = batch.ToTensors(device);
                var output = child.Forward(images, new ForwardContext(true, dropRng));
                var loss = output.Logits.CrossEntropy(labels);
                if (output.AuxLogits is { } aux && auxWeight > 0) loss = loss + aux.CrossEntropy(labels) * auxWeight;
                double value = loss.Item();
                if (!double.IsFinite(value))
                    throw new NonFiniteLossException($"shared-weight loss became {value} at epoch {epoch + 1}, step {b + 1} " +
                                                     $"(architecture {arch.ToOfficialString()})");
                tape.Backward(loss);
                lossSum += value * batch.Count;
                correct += Evaluator.CountCorrect(output.Logits, batch.LabelSpan);
                seen += batch.Count;
            }
            normSum += sgd.Step();
            onStep?.Invoke(b + 1, steps);
        }
        return new SharedEpochResult(lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), normSum / Math.Max(1, steps), steps);
    }
}
