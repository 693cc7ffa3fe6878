using Enas.Search.Cli;
using Enas.Search.Spaces;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Search;

/// <summary>What <c>--arch</c> accepts: JSON (ours, or only "official"), a .txt holding an official integer string, or
/// the string itself, with the space inferred where only one fits.</summary>
public class ArchitectureArgumentTests
{
    [Fact]
    public void PublishedStringsLoadAsTheyAre()
    {
        var (micro, arch) = ArchitectureArgument.Read(SearchSpaces.PublishedMicro, null);
        Assert.Equal((MicroSpace.SpaceName, 5), (micro.Name, micro.Size));
        Assert.Equal(SearchSpaces.PublishedMicro, arch.ToOfficialString());
        var (macro, m) = ArchitectureArgument.Read(SearchSpaces.PublishedMacro, "macro");
        Assert.Equal((MacroSpace.SpaceName, 24), (macro.Name, macro.Size));
        Assert.Equal(300, m.Tokens.Length);
    }

    [Fact]
    public void TextFilesLoadLikeASearchWritesThem()
    {
        using var dir = new TempFolder();
        // best-architecture.txt as a CNN search writes it: the string, then '#' lines describing it
        File.WriteAllText(dir["best-architecture.txt"], SearchSpaces.PublishedMicro + "\n# normal: n2=avg3(0)+sep3(0)\n# shared-weight accuracy: 50 %\n");
        Assert.Equal(SearchSpaces.PublishedMicro, ArchitectureArgument.Read(dir["best-architecture.txt"], null).Architecture.ToOfficialString());
        // a long string wrapped over several lines after a comment
        File.WriteAllText(dir["macro.txt"], "# cifar10_macro_final.sh\n" + SearchSpaces.PublishedMacro[..200] + "\n" + SearchSpaces.PublishedMacro[200..] + "\n");
        Assert.Equal(SearchSpaces.PublishedMacro, ArchitectureArgument.Read(dir["macro.txt"], null).Architecture.ToOfficialString());
        File.WriteAllText(dir["prose.txt"], "my favourite cell\n");
        Assert.Contains("is not an official ENAS integer string", Assert.Throws<CliException>(() => ArchitectureArgument.Read(dir["prose.txt"], null)).Message);
    }

    [Fact]
    public void JsonWithOnlyTheOfficialStringOrWithoutSchemaVersionLoads()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["official.json"], $"{{\"official\": \"{SearchSpaces.PublishedMicro}\"}}");
        var (space, arch) = ArchitectureArgument.Read(dir["official.json"], null);
        Assert.Equal((MicroSpace.SpaceName, 5, 40), (space.Name, space.Size, arch.Tokens.Length));
        // an official string is in the authors' skip indexing by definition: no "skipIndexing" needed
        File.WriteAllText(dir["macro.json"], $"{{\"official\": \"{SearchSpaces.PublishedMacro}\"}}");
        Assert.Equal((MacroSpace.SpaceName, 24), (ArchitectureArgument.Read(dir["macro.json"], null).Space.Name, ArchitectureArgument.Read(dir["macro.json"], null).Space.Size));
        File.WriteAllText(dir["noschema.json"], "{\"space\":\"micro\",\"size\":2,\"tokens\":[0,1,1,4,0,0,2,3,1,1,0,2,0,0,1,1]}");
        Assert.Equal(16, ArchitectureArgument.Read(dir["noschema.json"], null).Architecture.Tokens.Length);
        File.WriteAllText(dir["v2.json"], "{\"schemaVersion\":2,\"space\":\"micro\",\"size\":2,\"tokens\":[]}");
        Assert.Contains("schema version 2; this build reads version 1", Assert.Throws<InvalidArchitectureException>(() => ArchitectureArgument.Read(dir["v2.json"], null)).Message);
        File.WriteAllText(dir["disagree.json"], $"{{\"space\":\"micro\",\"size\":5,\"tokens\":[{string.Join(',', Enumerable.Repeat(0, 40))}],\"official\":\"{SearchSpaces.PublishedMicro}\"}}");
        Assert.Contains("hold different architectures", Assert.Throws<InvalidArchitectureException>(() => ArchitectureArgument.Read(dir["disagree.json"], null)).Message);
        File.WriteAllText(dir["unknown.json"], "{\"space\":\"nas\",\"size\":2,\"tokens\":[0]}");
        var unknown = Assert.Throws<InvalidArchitectureException>(() => ArchitectureArgument.Read(dir["unknown.json"], null)).Message;
        Assert.Contains("unknown search space 'nas' (allowed: micro, macro, rnn)", unknown);
        Assert.DoesNotContain("Parameter", unknown);
    }

    [Fact]
    public void AmbiguousOrMisfitStringsSayWhatToDo()
    {
        string zeros = string.Join(' ', Enumerable.Repeat(0, 120)); // micro with 15 nodes, or macro with 15 layers
        var e = Assert.Throws<InvalidArchitectureException>(() => ArchitectureArgument.Read(zeros, null));
        Assert.Contains("ambiguous", e.Message);
        Assert.Contains("pass --space micro or --space macro", e.Message);
        Assert.Equal((MacroSpace.SpaceName, 15), (ArchitectureArgument.Read(zeros, "macro").Space.Name, ArchitectureArgument.Read(zeros, "macro").Space.Size));
        var odd = Assert.Throws<InvalidArchitectureException>(() => ArchitectureArgument.Read(SearchSpaces.PublishedMicro + " 1 1", null)).Message;
        Assert.Contains("42 integers are no micro or macro architecture", odd);
        var cell = Assert.Throws<CliException>(() => ArchitectureArgument.Read("0 0 1 1 3", null)).Message;
        Assert.Contains("recurrent (rnn) cell with 3 nodes; train it with --space rnn --cell \"0 0 1 1 3\"", cell);
        Assert.Contains("file not found", Assert.Throws<CliException>(() => ArchitectureArgument.Read("nowhere.json", null)).Message);
    }

    [Fact]
    public void TrainTakesABareStringAndEvalATextFile()
    {
        using var dir = new TempFolder();
        var images = SynthesisedImages(dir);
        string[] size = ["--data", images, "--channels", "4", "--layers", "1"];
        var (code, stdout, err) = CliRun.Run(null, ["train", "--arch", SearchSpaces.PublishedMicro, .. size, "--epochs", "1",
            "--batch-size", "16", "--out", dir["train"]]);
        Assert.True(code == 0, err + stdout);
        File.WriteAllText(dir["arc.txt"], SearchSpaces.PublishedMicro + "\n");
        (code, stdout, err) = CliRun.Run(null, ["eval", "--arch", dir["arc.txt"], "--model", Path.Combine(dir["train"], "model.ckpt"), .. size]);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("test accuracy:", stdout);
    }

    private static string SynthesisedImages(TempFolder dir)
    {
        var path = dir["data"];
        Enas.Search.Data.SyntheticImages.WriteFashionMnist(path,
            Enas.Search.Data.SyntheticImages.GenerateTrainTest(64, 32, classes: 4, height: 8, width: 8, seed: 5), gzip: false);
        return path;
    }
}
