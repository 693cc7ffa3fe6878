namespace Enas.Search.Data;

/// <summary>A loaded dataset's standard training and test sets, pixels in [0, 1].</summary>
public sealed record TrainTestData(ImageDataset Train, ImageDataset Test)
{
    /// <summary>Class names by label (empty where the loader knows none).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>How an image folder (<c>--dataset folder</c>) was read; null for the other datasets.</summary>
    public FolderDataInfo? Folder { get; init; }
}

/// <summary>
/// Training, validation and test sets ready for search: the validation set is held out of the training set, and
/// all three are normalised with <see cref="Stats"/> computed from the training split only.
/// </summary>
public sealed record DataSplits(ImageDataset Train, ImageDataset Validation, ImageDataset Test, ChannelStats Stats)
{
    /// <summary>Class names by label (those of the loaded data).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>How an image folder was read (null for the other datasets).</summary>
    public FolderDataInfo? Folder { get; init; }

    /// <summary>Images of the whole training set before the validation hold-out (what a retraining from scratch
    /// reads).</summary>
    public int FullTrainCount { get; init; }

    /// <summary>
    /// Splits <paramref name="data"/>'s training set (holding out <paramref name="validationCount"/> images chosen
    /// with <paramref name="seed"/>), computes per-channel statistics on the remaining training images and
    /// normalises the three sets in place: the split training and validation sets are fresh copies, while
    /// <paramref name="data"/>.Test (and, when <paramref name="validationCount"/> = 0, <paramref name="data"/>.Train)
    /// are normalised in place, so call this once per loaded <see cref="TrainTestData"/>. With
    /// <paramref name="validationCount"/> = 0 the validation set is empty and the whole training set is used
    /// (final retraining).
    /// </summary>
    public static DataSplits Create(TrainTestData data, int validationCount = 5000, ulong seed = 0)
    {
        ImageDataset train, validation;
        if (validationCount == 0)
        {
            train = data.Train;
            validation = data.Train.Subset(ReadOnlySpan<int>.Empty, data.Train.Name + "/validation");
        }
        else
        {
            (train, validation) = data.Train.Split(validationCount, seed);
        }
        var stats = train.ComputeChannelStats();
        train.Normalize(stats);
        validation.Normalize(stats);
        data.Test.Normalize(stats);
        return new DataSplits(train, validation, data.Test, stats)
        {
            ClassNames = data.ClassNames, Folder = data.Folder, FullTrainCount = data.Train.Count,
        };
    }
}
