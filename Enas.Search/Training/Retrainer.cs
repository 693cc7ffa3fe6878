using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Reporting;
using Enas.Search.Spaces;

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

    /// <summary>Runs the whole retraining in this process (no checkpoints); one "retrain" metrics line per epoch.</summary>
    public static RetrainResult Run(ISearchSpace space, Architecture arch, SearchOptions o, ImageDataset train, ImageDataset test,
        Device device, MetricsLog? metrics, ProgressReporter progress)
    {
        using var session = new RetrainSession(space, arch, o, train, test, device);
        progress.Message(session.Description);
        session.Run(metrics, progress);
        return session.Result();
    }
}
