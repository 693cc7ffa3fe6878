using System.Text.Json.Nodes;
using Enas.Search.Data;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary><c>--dataset folder</c> through the CLI: a tiny search, the printed train command, eval, and the errors.</summary>
public sealed class FolderDatasetCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Classes = ["circle", "cross", "square"];

    /// <summary>An RGB folder of 12x12 images and a few 16x20 ones (so --image-size is needed), PNG and JPEG.</summary>
    private string MixedFolder()
    {
        string data = _dir["images"];
        ImageFolderMaker.Make(data, Classes, perClass: 20, width: 12, height: 12, channels: 3, jpeg: true);
        for (int c = 0; c < Classes.Length; c++)
            ImageFolderMaker.Write(Path.Combine(data, Classes[c], "tall.png"), ImageFolderMaker.Pixels(c, 16, 20, 3, 99 + c), 16, 20, 3);
        return data;
    }

    private static string[] TinySearch(string data, string outDir) =>
    [
        "--dataset", "folder", "--data", data, "--image-size", "12", "--cells", "2", "--layers", "1", "--channels", "4",
        "--epochs", "2", "--batch-size", "16", "--validation-size", "12", "--controller-steps", "2", "--controller-aggregate", "2",
        "--derive-samples", "4", "--retrain-epochs", "1", "--retrain-channels", "4", "--retrain-layers", "1", "--seed", "2", "--out", outDir,
    ];

    [Fact]
    public void SearchThenThePrintedTrainCommandThenEvalOnAFolderOfImages()
    {
        string data = MixedFolder(), run = _dir["search"];
        var (code, stdout, stderr) = CliRun.Run(output, TinySearch(data, run));
        Assert.True(code == 0, stderr);
        Assert.Contains($"image folder {data}: 51 training / 12 test images, RGB 12x12 (shorter side resized to 12, centre 12x12 cropped)", stdout);
        var classes = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "classes.json")))!;
        Assert.Equal(Classes, ClassesJson.ClassNames(File.ReadAllText(Path.Combine(run, "classes.json"))));
        Assert.Equal(3, (int)classes["channels"]!);
        Assert.Equal(12, (int)classes["height"]!);
        Assert.Contains("\"imageSize\": 12", File.ReadAllText(Path.Combine(run, "config.json")));

        // The printed train command carries the folder flags; run it as printed (without the dotnet run prefix).
        string train = stdout.Split('\n').Select(l => l.Trim()).Single(l => l.Contains(" train --arch "));
        Assert.Contains($"--dataset folder --data {data} --image-size 12", train);
        var args = train[(train.IndexOf(" train ", StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        (code, stdout, stderr) = CliRun.Run(output, args);
        Assert.True(code == 0, stderr);
        Assert.Contains("test accuracy after training from scratch:", stdout);
        string retrain = Path.Combine(run, "retrain");
        Assert.Equal(Classes, ClassesJson.ClassNames(File.ReadAllText(Path.Combine(retrain, "classes.json"))));
        Assert.True(File.Exists(Path.Combine(retrain, "normal-cell.svg")), "train draws the architecture it trains");

        string eval = stdout.Split('\n').Select(l => l.Trim()).Single(l => l.Contains(" eval --arch "));
        Assert.Contains("--image-size 12", eval);
        (code, stdout, stderr) = CliRun.Run(output, eval[(eval.IndexOf(" eval ", StringComparison.Ordinal) + 1)..].Split(' '));
        Assert.True(code == 0, stderr);
        Assert.Contains("test accuracy: ", stdout);
        Assert.Contains("on 12 images", stdout);
    }

    [Fact]
    public void MixedSizesWithoutImageSizeStopWithExit2AndWriteNothing()
    {
        string data = MixedFolder(), run = _dir["refused"];
        var args = TinySearch(data, run).ToList();
        args.RemoveRange(args.IndexOf("--image-size"), 2);
        var (code, _, stderr) = CliRun.Run(output, [.. args]);
        Assert.Equal(2, code);
        Assert.Contains("different sizes", stderr);
        Assert.Contains("--image-size 12", stderr);
        Assert.False(Directory.Exists(run));

        (code, _, stderr) = CliRun.Run(output, "train", "--arch", "1 1 0 4 2 4 1 0 1 0 0 0 1 0 0 1", "--space", "micro", "--dataset", "folder",
            "--data", data, "--out", _dir["train"]);
        Assert.Equal(2, code);
        Assert.Contains("--image-size", stderr);
        Assert.False(Directory.Exists(_dir["train"]));

        (code, _, stderr) = CliRun.Run(output, "--dataset", "fashion-mnist", "--image-size", "20", "--out", _dir["fm"]);
        Assert.Equal(2, code);
        Assert.Contains("apply to --dataset folder only", stderr);
        (code, _, stderr) = CliRun.Run(output, [.. TinySearch(data, run).Append("--bad-images").Append("sometimes")]);
        Assert.Equal(2, code);
        Assert.Contains("--bad-images must be fail or skip", stderr);
    }
}
