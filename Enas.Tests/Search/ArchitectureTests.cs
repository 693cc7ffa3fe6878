using System.Collections.Immutable;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Tests.Search;

public class ArchitectureTests
{
    internal static Architecture RandomArch(ISearchSpace space, Random rng) =>
        new(space.Name, space.Decisions.Select(d => rng.Next(d.NumChoices)).ToImmutableArray());

    public static TheoryData<string, int> Spaces => new() { { "micro", 5 }, { "micro", 2 }, { "macro", 12 }, { "macro", 4 } };

    [Theory]
    [MemberData(nameof(Spaces))]
    public void OfficialStringAndJsonRoundTrip(string name, int size)
    {
        var space = SearchSpaces.Create(name, size);
        var rng = new XoshiroRandom(7);
        for (int i = 0; i < 20; i++)
        {
            var arch = RandomArch(space, rng);
            var parsed = Architecture.ParseOfficial(space, arch.ToOfficialString());
            Assert.Equal(arch, parsed);
            Assert.Equal(arch.GetHashCode(), parsed.GetHashCode());
            var (space2, back) = ArchitectureJson.Deserialize(ArchitectureJson.Serialize(space, arch, 0.5));
            Assert.Equal(space.Name, space2.Name);
            Assert.Equal(space.Decisions.Count, space2.Decisions.Count);
            Assert.Equal(arch, back);
        }
    }

    [Fact]
    public void TypedViewsRoundTrip()
    {
        var micro = new MicroSpace(5);
        var macro = new MacroSpace(12);
        var rng = new XoshiroRandom(3);
        for (int i = 0; i < 10; i++)
        {
            var a = RandomArch(micro, rng);
            Assert.Equal(a, micro.Encode(micro.Cell(a, false).Nodes, micro.Cell(a, true).Nodes));
            var m = RandomArch(macro, rng);
            Assert.Equal(m, macro.Encode(macro.Decode(m)));
        }
    }

    [Fact]
    public void PublishedArchitecturesDecodeAsTheReferenceSays()
    {
        var micro = new MicroSpace(5);
        var arch = Architecture.ParseOfficial(micro, SearchSpaces.PublishedMicro);
        var normal = micro.Cell(arch, false);
        Assert.Equal(new MicroNode(0, OpKind.AvgPool3x3, 0, OpKind.SepConv3x3), normal.Nodes[0]);
        Assert.Equal(new[] { 2, 3, 4, 5, 6 }, normal.LooseEnds());
        var reduce = micro.Cell(arch, true);
        Assert.Equal(new MicroNode(1, OpKind.SepConv5x5, 3, OpKind.SepConv5x5), reduce.Nodes[2]);
        Assert.Equal(new[] { 2, 4, 5, 6 }, reduce.LooseEnds());
        Assert.StartsWith("micro normal: n2=avg3(0)+sep3(0); n3=id(0)+sep5(0);", arch.ToString());

        var macro = new MacroSpace(24);
        var m = Architecture.ParseOfficial(macro, SearchSpaces.PublishedMacro);
        Assert.Equal(300, m.Tokens.Length);
        Assert.Equal(new[] { 7, 15 }, macro.ReductionAfter.ToArray());
        Assert.Equal(new[] { 3, 7 }, new MacroSpace(12).ReductionAfter.ToArray());
        Assert.All(macro.Decode(m), l => Assert.True(l.Op is OpKind.Conv3x3 or OpKind.SepConv3x3 or OpKind.Conv5x5 or OpKind.SepConv5x5));
    }

    [Fact]
    public void ValidationNamesPositionValueAndRange()
    {
        var micro = new MicroSpace(5);
        var tokens = SearchSpaces.PublishedMicro.Split(' ');
        tokens[4] = "3"; // node 3 input A may only be 0..2
        var e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(micro, string.Join(' ', tokens)));
        Assert.Equal(4, e.Position);
        Assert.Contains("token 4", e.Message);
        Assert.Contains("normal node 3 input A", e.Message);
        Assert.Contains("is 3; allowed 0..2", e.Message);

        tokens[4] = "0"; tokens[1] = "5";
        e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(micro, string.Join(' ', tokens)));
        Assert.Contains("op A", e.Message);
        Assert.Contains("allowed 0..4", e.Message);

        e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(micro, "0 1 0"));
        Assert.Contains("has 3 tokens; this space needs 40", e.Message);
        e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(new MacroSpace(2), "0 x 1"));
        Assert.Contains("'x'", e.Message);
        e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(new MacroSpace(2), "0 6 1"));
        Assert.Contains("layer 1 op", e.Message);
        e = Assert.Throws<InvalidArchitectureException>(() => new MacroSpace(2).Validate(new Architecture("micro", [0, 0, 0])));
        Assert.Contains("'micro' space", e.Message);
        Assert.Throws<InvalidArchitectureException>(() => ArchitectureJson.Deserialize("{\"schemaVersion\": 9, \"space\": \"micro\", \"size\": 5}"));
        Assert.Throws<InvalidArchitectureException>(() => ArchitectureJson.Deserialize("not json"));
    }

    [Fact]
    public void XoshiroStateRestoresTheStream()
    {
        var a = new XoshiroRandom(42);
        a.NextDouble(); a.Next(10);
        var state = a.GetState();
        var expected = Enumerable.Range(0, 5).Select(_ => a.NextDouble()).ToArray();
        var b = new XoshiroRandom(1);
        b.SetState(state);
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => b.NextDouble()).ToArray());
        Assert.InRange(Enumerable.Range(0, 1000).Select(_ => a.Next(3)).Max(), 2, 2);
    }
}
