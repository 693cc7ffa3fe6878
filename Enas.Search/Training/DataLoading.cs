using Enas.Search.Data;

namespace Enas.Search.Training;

/// <summary>Loads the images a run's options name.</summary>
public static class DataLoading
{
    /// <summary><see cref="SearchOptions.Dataset"/> from <see cref="SearchOptions.DataDir"/>, an image folder read with
    /// <see cref="SearchOptions.FolderOptions"/>.</summary>
    /// <exception cref="DatasetException">The data cannot be loaded; the message names the problem and the fix.</exception>
    public static TrainTestData Load(SearchOptions o)
    {
        Data.ImageFolderOptions folder;
        try { folder = o.FolderOptions(); }
        catch (ArgumentException e) { throw new DatasetException(o.DataDir ?? "", e.Message); }
        return Datasets.Load(o.Dataset, o.DataDir, folder);
    }

    /// <summary>The flags that make <c>train</c> and <c>eval</c> read an image folder as <paramref name="o"/> did
    /// (none for the other datasets).</summary>
    public static IEnumerable<string> FolderFlags(SearchOptions o)
    {
        if (o.ImageSize is { } n) yield return $"--image-size {n}";
        if (o.BadImages is { } bad) yield return $"--bad-images {bad}";
    }
}
