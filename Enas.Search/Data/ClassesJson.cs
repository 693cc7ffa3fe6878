using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Enas.Search.Data;

/// <summary>
/// <c>classes.json</c> of a run folder: what a consumer of the trained model (an exporter, a program classifying
/// images) needs to feed it and read its output: the class names by label, the input channels and size, how the run
/// normalised the pixels, and for an image folder how its files were read.
/// </summary>
/// <remarks>
/// Fields: <c>dataset</c>, <c>classes</c> (name of label 0, 1, ...), <c>channels</c>, <c>height</c>, <c>width</c>,
/// <c>normalization</c> ({<c>mean</c>, <c>std</c>} per channel: the network reads (pixel / 255 - mean) / std), and for
/// <c>--dataset folder</c> <c>folder</c> ({<c>root</c>, <c>resize</c>, <c>testSplit</c>, <c>trainImages</c>,
/// <c>testImages</c>, <c>skipped</c>: [{<c>path</c>, <c>reason</c>}], <c>ignoredFiles</c>}).
/// </remarks>
public static class ClassesJson
{
    /// <summary>The file's text for a run on <paramref name="dataset"/> whose training images are
    /// <paramref name="train"/>, normalised with <paramref name="stats"/>.</summary>
    public static string Render(string dataset, IReadOnlyList<string> classNames, ImageDataset train, ChannelStats stats, FolderDataInfo? folder)
    {
        var root = new JsonObject
        {
            ["dataset"] = dataset,
            ["classes"] = new JsonArray([.. classNames.Select(n => (JsonNode?)n)]),
            ["channels"] = train.Channels,
            ["height"] = train.Height,
            ["width"] = train.Width,
            ["normalization"] = new JsonObject
            {
                ["mean"] = new JsonArray([.. stats.Mean.Select(m => (JsonNode?)(double)m)]),
                ["std"] = new JsonArray([.. stats.Std.Select(s => (JsonNode?)(double)s)]),
            },
        };
        if (folder is not null)
            root["folder"] = new JsonObject
            {
                ["root"] = folder.Root, ["resize"] = folder.Resize, ["testSplit"] = folder.TestSplit,
                ["trainImages"] = folder.TrainImages, ["testImages"] = folder.TestImages,
                ["skipped"] = new JsonArray([.. folder.Skipped.Select(s => (JsonNode?)new JsonObject { ["path"] = s.Path, ["reason"] = s.Reason })]),
                ["ignoredFiles"] = new JsonArray([.. folder.IgnoredFiles.Select(f => (JsonNode?)f)]),
            };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>The class names of a run's classes.json text.</summary>
    /// <exception cref="InvalidDataException">The text is not a classes.json.</exception>
    public static IReadOnlyList<string> ClassNames(string json)
    {
        try
        {
            return JsonNode.Parse(json)?["classes"]?.AsArray().Select(n => n!.GetValue<string>()).ToList()
                   ?? throw new InvalidDataException("classes.json names no classes");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"classes.json is not readable ({e.Message})");
        }
    }
}
