using System.Diagnostics;
using Enas.Engine;
using Enas.Engine.Optim;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>Outcome of training one architecture from scratch.</summary>
public sealed record RetrainResult(double TestAccuracy, double TrainAccuracy, long Parameters, int Epochs, double Seconds);

/// <summary>
/// Trains one architecture from scratch with fresh weights, through the same <see cref="ChildBuilder"/> the search
/// uses: (optionally) wider and deeper, whole training set with augmentation, drop-path and the auxiliary head for
/// micro, SGD Nesterov with cosine schedule (SGDR when the epoch count is a restart boundary), test accuracy at the end.
/// </summary>
public static class Retrainer
{
    /// <summary>Network sizes used for retraining.</summary>
    public static NetworkOptions Network(ISearchSpace space, SearchOptions o, ImageDataset data)
    {
        var r = o.Retrain;
        bool micro = space is MicroSpace;
        return new NetworkOptions
        {
            InputChannels = data.Channels, ImageSize = data.Height, Classes = data.ClassCount,
            Channels = r.Channels > 0 ? r.Channels : o.Channels,
            Layers = r.Layers > 0 ? r.Layers : o.Layers,
            DoubleAtReductions = true,
            AuxHead = micro && r.AuxHead,
            DropPathKeep = micro ? r.DropPathKeep : 1.0,
            DropoutKeep = r.DropoutKeep,
            Style = r.NetworkStyle,
        };
    }

    /// <summary>Runs the retraining; one "retrain" metrics line per epoch.</summary>
    public static RetrainResult Run(ISearchSpace space, Architecture arch, SearchOptions o, ImageDataset train, ImageDataset test,
        Device device, MetricsLog? metrics, ProgressReporter progress, Action<FreshWeights>? save = null)
    {
        var r = o.Retrain;
        var network = Network(space, o, train);
        using var fresh = new FreshWeights(o.Seed * 31 + 17, device);
        var child = ChildBuilder.Build(space, arch, network, fresh, device);
        using var sgd = new ChildSgd(fresh.Parameters, 0.9, r.L2, o.GradClip);
        int[] boundaries = [10, 30, 70, 150, 310, 630];
        var schedule = boundaries.Contains(r.Epochs)
            ? new CosineWithRestarts(r.LrMax, r.LrMin, 10, 2)
            : new CosineWithRestarts(r.LrMax, r.LrMin, r.Epochs, 1);
        var augment = new Augmenter(new AugmentOptions(r.CropPadding, r.Flip, r.Cutout));
        var batcher = new Batcher(train, r.BatchSize, o.Seed * 131 + 7, shuffle: true, augmenter: augment);
        var testBatches = new Batcher(test, Math.Max(r.BatchSize, 100), 0, shuffle: false);
        var rng = new XoshiroRandom(o.Seed * 7919 + 3);
        progress.Message($"retraining {space.Describe(arch).ReplaceLineEndings(" | ")}: {child.ParameterCount:N0} parameters " +
                         $"(C={network.Channels}, layers={(space is MacroSpace m ? m.Layers : network.Layers)}{(space is MicroSpace ? $", {r.Network} cells" : "")}), " +
                         $"{r.Epochs} epoch{(r.Epochs == 1 ? "" : "s")} on {train.Count} images");
        var clock = Stopwatch.StartNew();
        int steps = batcher.BatchesPerEpoch;
        double trainAcc = 0, testAcc = 0;
        for (int epoch = 0; epoch < r.Epochs; epoch++)
        {
            sgd.LearningRate = schedule.LearningRateAt(epoch);
            progress.Start($"retrain epoch {epoch + 1}/{r.Epochs}", steps);
            var tally = new StepTally();
            for (int b = 0; b < steps; b++)
            {
                var batch = batcher.GetBatch(epoch, b);
                var ctx = new ForwardContext(true, rng, (epoch * (double)steps + b) / (r.Epochs * (double)steps));
                tally.Add(ChildStep.ForwardBackward(child, batch, ctx, o.AuxWeight, device,
                    value => $"retraining loss became {value} at epoch {epoch + 1}, step {b + 1}"));
                sgd.Step();
                progress.Report(b + 1);
            }
            trainAcc = tally.Accuracy;
            testAcc = Evaluator.Accuracy(child, testBatches, device, new ForwardContext(false, rng));
            metrics?.Write("retrain", ("epoch", epoch + 1), ("lr", sgd.LearningRate), ("train_loss", tally.MeanLoss),
                ("train_accuracy", trainAcc), ("test_accuracy", testAcc), ("seconds", clock.Elapsed.TotalSeconds));
            progress.Message($"retrain epoch {epoch + 1}/{r.Epochs}: loss {tally.MeanLoss:F4}, train acc {trainAcc:P2}, test acc {testAcc:P2}");
        }
        save?.Invoke(fresh);
        return new RetrainResult(testAcc, trainAcc, child.ParameterCount, r.Epochs, clock.Elapsed.TotalSeconds);
    }
}
