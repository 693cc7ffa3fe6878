using System.Text.Json.Nodes;
using Enas.Engine;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Tests.Search;

/// <summary>Macro skip bits read what the authors' general_child.py reads (bit 0 = the stem, bit j = layer j - 1), and
/// files or checkpoints written with the old indexing (bit j = layer j) are refused, not reinterpreted.</summary>
public sealed class MacroSkipIndexingTests
{
    /// <summary>The layers general_child.py connects: <c>layers</c> starts with the stem, layer i reads
    /// <c>prev_layers[j]</c> for each set bit j of <c>sample_arc[start + 1 : start + 1 + i]</c>, start += 1 + i.</summary>
    private static List<string[]> OfficialSkips(IReadOnlyList<int> arc, int layerCount)
    {
        var prev = new List<string> { "stem" };
        var result = new List<string[]>();
        int start = 0;
        for (int layer = 0; layer < layerCount; layer++)
        {
            result.Add([.. Enumerable.Range(0, layer).Where(j => arc[start + 1 + j] == 1).Select(j => prev[j])]);
            prev.Add($"L{layer}");
            start += 1 + layer;
        }
        return result;
    }

    [Fact]
    public void ThePublishedArcSkipsToTheLayersTheAuthorsCodeConnects()
    {
        var space = new MacroSpace(24);
        var arch = Architecture.ParseOfficial(space, SearchSpaces.PublishedMacro);
        var official = OfficialSkips(arch.Tokens, 24);
        var layers = space.Decode(arch);
        for (int i = 0; i < 24; i++)
        {
            Assert.Equal(official[i], layers[i].SkipSources.Select(MacroSkipIndexing.SourceLabel).ToArray());
            Assert.DoesNotContain($"L{i - 1}", official[i]); // a layer's own input is never a skip
        }
        // Read by hand from the arc: layer 2 takes the stem, layer 3 layer 1, layer 5 the stem, layers 0 and 2.
        Assert.Equal(["stem"], official[2]);
        Assert.Equal(["L1"], official[3]);
        Assert.Equal(["stem", "L0", "L2"], official[5]);
        Assert.StartsWith("L0=conv3; L1=sep5; L2=conv3+skip(stem); L3=conv5+skip(L1);", space.Describe(arch));

        // The reductions after layer 7 (final network) keep exactly the stored outputs a later layer reads.
        var o = new NetworkOptions { InputChannels = 3, ImageSize = 32, Channels = 96, DoubleAtReductions = true, Style = NetworkStyle.Final };
        using var fresh = new FreshWeights(1, Device.Cpu);
        var net = ChildBuilder.Build(space, arch, o, fresh, Device.Cpu);
        var reduced = net.Parameters.Where(p => p.Name.StartsWith("layer7.node", StringComparison.Ordinal) && p.Name.EndsWith(".reduce.path1", StringComparison.Ordinal))
            .Select(p => p.Name.Split('.')[1]).ToHashSet();
        var readLater = new[] { "stem" }.Concat(Enumerable.Range(0, 8).Select(l => $"L{l}"))
            .Select((name, p) => (name, p)).Where(x => x.name == "L7" || official.Skip(8).Any(s => s.Contains(x.name)))
            .Select(x => $"node{x.p}").ToHashSet();
        Assert.Equal(readLater, reduced);
        Assert.Contains("node0", reduced); // the stem output is read after the first reduction
        Assert.Equal(42_559_392, net.ParameterCount);
    }

    [Theory]
    [InlineData(NetworkStyle.Search)]
    [InlineData(NetworkStyle.Final)]
    public void SkipBitZeroAddsTheStemOutput(NetworkStyle style)
    {
        // Layer 1 of "0 0 1" skips from bit 0. With layer 0's weights zeroed, layer 0 outputs a constant: the logits
        // still depend on the images only if that skip reads the stem (the old indexing read layer 0).
        var space = new MacroSpace(2);
        var arch = Architecture.ParseOfficial(space, "0 0 1");
        var o = new NetworkOptions { InputChannels = 1, ImageSize = 8, Channels = 4, Style = style };
        using var fresh = new FreshWeights(2, Device.Cpu);
        var net = ChildBuilder.Build(space, arch, o, fresh, Device.Cpu);
        foreach (var p in net.Parameters.Where(p => p.Name.StartsWith("layer0.", StringComparison.Ordinal)))
            p.Load<float>(new float[p.ElementCount]);
        var rng = new XoshiroRandom(4);
        float[] Logits()
        {
            using var scope = TensorScope.Begin();
            using var _ = Enas.Engine.Autodiff.Tape.NoGrad();
            var x = Enumerable.Range(0, 2 * 64).Select(_ => (float)rng.NextGaussian()).ToArray();
            return net.Forward(Tensor.FromArray(x, new Shape(2, 1, 8, 8)), new ForwardContext(false, rng)).Logits.ToFloatArray();
        }
        var a = Logits();
        var b = Logits();
        Assert.True(a.Zip(b).Max(t => Math.Abs(t.First - t.Second)) > 1e-4, "the logits do not depend on the images: bit 0 did not read the stem");
    }

    [Fact]
    public void LegacyArchitecturesConvertWhereTheyCan()
    {
        var space = new MacroSpace(4);
        // Legacy: layer 2 skipped layer 0 (bit 0), layer 3 skipped layer 1 (bit 1) and its own input layer 2 (bit 2).
        var legacy = Architecture.ParseOfficial(space, "0  1 0  2 1 0  3 0 1 1");
        var (converted, dropped) = MacroSkipIndexing.FromLegacy(space, legacy);
        Assert.Equal("0 1 0 2 0 1 3 0 0 1", converted.ToOfficialString());
        Assert.Equal([3], dropped);
        var layers = space.Decode(converted);
        Assert.Equal(["L0"], layers[2].SkipSources.Select(MacroSkipIndexing.SourceLabel));
        Assert.Equal(["L1"], layers[3].SkipSources.Select(MacroSkipIndexing.SourceLabel));
    }

    [Fact]
    public void MacroFilesCarryTheMarkerAndOldOnesAreRefusedWithTheConversion()
    {
        var space = new MacroSpace(4);
        var arch = Architecture.ParseOfficial(space, "0 1 0 2 1 0 3 0 1 0");
        string json = ArchitectureJson.Serialize(space, arch);
        Assert.Contains("\"skipIndexing\": \"stem-first\"", json);
        Assert.Equal(arch, ArchitectureJson.Deserialize(json).Architecture);

        var old = JsonNode.Parse(json)!.AsObject();
        old.Remove("skipIndexing");
        var e = Assert.Throws<InvalidArchitectureException>(() => ArchitectureJson.Deserialize(old.ToJsonString()));
        Assert.Contains("no \"skipIndexing\" field", e.Message);
        Assert.Contains("[0, 1, 0, 2, 0, 1, 3, 0, 0, 1]", e.Message); // legacy bit j -> bit j + 1
        Assert.Contains("add \"skipIndexing\": \"stem-first\"", e.Message);
        old["skipIndexing"] = "layer";
        e = Assert.Throws<InvalidArchitectureException>(() => ArchitectureJson.Deserialize(old.ToJsonString()));
        Assert.Contains("reads only \"stem-first\"", e.Message);

        // Micro and recurrent files are as they were: no marker.
        var micro = new MicroSpace(5);
        Assert.DoesNotContain("skipIndexing", ArchitectureJson.Serialize(micro, Architecture.ParseOfficial(micro, SearchSpaces.PublishedMicro)));
        var rnn = new RnnSpace(4);
        Assert.DoesNotContain("skipIndexing", ArchitectureJson.Serialize(rnn, ArchitectureTests.RandomArch(rnn, new XoshiroRandom(1))));
    }

    [Fact]
    public void AnOldMacroSearchIsRefusedOnResumeAndOthersAreNot()
    {
        var macro = new SearchOptions { Space = "macro", Layers = 4 };
        string config = System.Text.Json.JsonSerializer.Serialize(macro, SearchJsonContext.Default.SearchOptions);
        Assert.Contains("\"skipIndexing\": \"stem-first\"", config);
        Assert.Empty(SearchResumeCheck.Differences(config, macro));

        var old = JsonNode.Parse(config)!.AsObject();
        old.Remove("skipIndexing");
        var e = Assert.Throws<InvalidDataException>(() => SearchResumeCheck.Differences(old.ToJsonString(), macro));
        Assert.Contains("skip indexing layer (no skipIndexing field", e.Message);
        Assert.Contains("\"skipIndexing\": \"stem-first\"", e.Message);
        Assert.Contains("another --out", e.Message);

        var micro = new SearchOptions();
        string microConfig = System.Text.Json.JsonSerializer.Serialize(micro, SearchJsonContext.Default.SearchOptions);
        Assert.DoesNotContain("skipIndexing", microConfig);
        Assert.Empty(SearchResumeCheck.Differences(microConfig, micro));
        // Changing the space is reported as the space, not as the marker that follows from it.
        Assert.Equal(["--space: checkpoint \"micro\", now \"macro\"", "--layers: checkpoint 3, now 4"],
            SearchResumeCheck.Differences(microConfig, macro));
    }

    [Fact]
    public void TheCliRefusesAnOldMacroRunAndAnOldMacroFile()
    {
        string root = Directory.CreateTempSubdirectory("enas-macro-").FullName;
        try
        {
            string data = Path.Combine(root, "data"), run = Path.Combine(root, "run");
            SyntheticImages.WriteFashionMnist(data, SyntheticImages.GenerateTrainTest(80, 32, classes: 4, height: 8, width: 8, seed: 5), gzip: true);
            (int, string) Cli(params string[] args)
            {
                var err = new StringWriter();
                return (CliApp.Run(args, TextWriter.Null, err, live: false), err.ToString());
            }
            Assert.Equal(0, Cli("--space", "macro", "--layers", "3", "--channels", "4", "--epochs", "1", "--batch-size", "16",
                "--train-subset", "32", "--validation-size", "16", "--controller-steps", "1", "--controller-aggregate", "1",
                "--derive-samples", "2", "--derive-batches", "1", "--data", data, "--out", run).Item1);
            string configPath = Path.Combine(run, "config.json"), archPath = Path.Combine(run, "best-architecture.json");
            Assert.Contains("\"skipIndexing\": \"stem-first\"", File.ReadAllText(configPath));
            Assert.Contains("\"skipIndexing\": \"stem-first\"", File.ReadAllText(archPath));

            // The same run as an older Enas wrote it: no marker.
            foreach (string path in new[] { configPath, archPath })
            {
                var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                doc.Remove("skipIndexing");
                File.WriteAllText(path, doc.ToJsonString());
            }
            string metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
            var (code, err) = Cli("--resume", "--out", run, "--epochs", "2");
            Assert.Equal(CliApp.UsageError, code);
            Assert.Contains("cannot resume: the macro search there was written with skip indexing layer", err);
            Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
            (code, err) = Cli("train", "--arch", archPath, "--data", data, "--epochs", "1", "--out", Path.Combine(root, "retrain"));
            Assert.Equal(CliApp.UsageError, code);
            Assert.Contains("no \"skipIndexing\" field", err);
            Assert.False(Directory.Exists(Path.Combine(root, "retrain")));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
