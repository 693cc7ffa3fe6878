using Enas.Search.Data;

namespace Enas.Search.Training;

/// <summary>The images a retraining from scratch reads (the <c>train</c> command, the comparison).</summary>
public static class RetrainData
{
    /// <summary>
    /// The whole training split (or its first <see cref="RetrainOptions.TrainSubset"/> images) and the test split of
    /// <paramref name="data"/>, normalised with the training split's statistics (returned too: what an exported model
    /// normalises its input with). Normalises in place: call it once per loaded <see cref="TrainTestData"/>.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Test, ChannelStats Stats) Split(TrainTestData data, RetrainOptions retrain)
    {
        var splits = DataSplits.Create(data, 0);
        var train = splits.Train;
        if (retrain.TrainSubset > 0 && retrain.TrainSubset < train.Count)
            train = train.Subset(Enumerable.Range(0, retrain.TrainSubset).ToArray(), train.Name + "[subset]");
        return (train, splits.Test, splits.Stats);
    }
}
