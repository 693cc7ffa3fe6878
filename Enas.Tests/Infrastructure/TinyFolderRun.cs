namespace Enas.Tests.Infrastructure;

/// <summary>A tiny real search on a generated image folder (a few seconds): the run folder the report tests read.</summary>
public static class TinyFolderRun
{
    /// <summary>Classes of the generated folder.</summary>
    public static readonly string[] Classes = ["circle", "cross", "square"];

    /// <summary>Writes an RGB image folder under <paramref name="root"/> and returns its path.</summary>
    public static string MakeData(string root)
    {
        string data = Path.Combine(root, "images");
        ImageFolderMaker.Make(data, Classes, perClass: 16, width: 10, height: 10, channels: 3);
        return data;
    }

    /// <summary>The flags of a two-epoch micro search on <paramref name="data"/> into <paramref name="outDir"/>.</summary>
    public static string[] SearchArgs(string data, string outDir, params string[] more) =>
    [
        "--dataset", "folder", "--data", data, "--cells", "2", "--layers", "1", "--channels", "4", "--epochs", "2",
        "--batch-size", "16", "--validation-size", "8", "--controller-steps", "2", "--controller-aggregate", "2",
        "--derive-samples", "4", "--retrain-epochs", "1", "--retrain-channels", "4", "--retrain-layers", "1", "--seed", "4",
        "--out", outDir, .. more,
    ];
}
