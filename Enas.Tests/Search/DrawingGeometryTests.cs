using Enas.Search.Drawing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Tests.Search;

/// <summary>The cell and network drawings, measured as laid out (not as SVG text): boxes and labels never overlap,
/// no edge runs through a box other than its ends, each label sits on its own edge and on no other, and two edges
/// between the same nodes are drawn apart.</summary>
public sealed class DrawingGeometryTests
{
    /// <summary>Checks every rule on <paramref name="layout"/>; <paramref name="what"/> names it in failures.</summary>
    internal static void AssertReadable(DrawingLayout layout, string what)
    {
        var nodes = layout.Nodes;
        for (int i = 0; i < nodes.Count; i++)
            for (int j = i + 1; j < nodes.Count; j++)
                Assert.False(nodes[i].Box.Intersects(nodes[j].Box), $"{what}: boxes {nodes[i].Id} and {nodes[j].Id} overlap");
        var labelled = layout.Edges.Where(e => e.LabelBox is not null).ToList();
        for (int i = 0; i < labelled.Count; i++)
        {
            var a = labelled[i].LabelBox!.Value;
            for (int j = i + 1; j < labelled.Count; j++)
                Assert.False(a.Intersects(labelled[j].LabelBox!.Value),
                    $"{what}: labels '{labelled[i].Label}' ({labelled[i].From}->{labelled[i].To}) and '{labelled[j].Label}' ({labelled[j].From}->{labelled[j].To}) overlap");
            Assert.All(nodes, n => Assert.False(a.Intersects(n.Box), $"{what}: label '{labelled[i].Label}' covers box {n.Id}"));
            Assert.True(Segments(labelled[i]).Any(s => a.Inflate(2).Touches(s.A, s.B)), $"{what}: label '{labelled[i].Label}' is not on its edge");
            foreach (var other in layout.Edges.Where(e => !ReferenceEquals(e, labelled[i])))
                Assert.False(Segments(other).Any(s => a.Inflate(-0.5).Touches(s.A, s.B)),
                    $"{what}: edge {other.From}->{other.To} runs through the label of {labelled[i].From}->{labelled[i].To}");
        }
        foreach (var e in layout.Edges)
        {
            Box source = layout.Node(e.From).Box, target = layout.Node(e.To).Box;
            Assert.Equal(source.Right, e.Points[0].X, 6);
            Assert.InRange(e.Points[0].Y, source.Y, source.Bottom);
            Assert.Equal(target.X, e.Points[^1].X, 6);
            Assert.InRange(e.Points[^1].Y, target.Y, target.Bottom);
            foreach (var (p, q) in Segments(e))
            {
                foreach (var n in nodes)
                {
                    // Its own ends only at the first and the last point; every other box not at all.
                    var box = n.Id == e.From || n.Id == e.To ? n.Box.Inflate(-0.5) : n.Box;
                    Assert.False(box.Touches(p, q), $"{what}: edge {e.From}->{e.To} segment ({p.X:F0},{p.Y:F0})-({q.X:F0},{q.Y:F0}) passes through box {n.Id}");
                }
            }
        }
        foreach (var group in layout.Edges.GroupBy(e => (e.From, e.To)).Where(g => g.Count() > 1))
        {
            var ends = group.Select(e => e.Points[^1].Y).Order().ToList();
            var starts = group.Select(e => e.Points[0].Y).Order().ToList();
            for (int k = 1; k < ends.Count; k++)
            {
                Assert.True(ends[k] - ends[k - 1] >= 8, $"{what}: parallel edges {group.Key} end at the same place");
                Assert.True(starts[k] - starts[k - 1] >= 4, $"{what}: parallel edges {group.Key} start at the same place");
            }
        }
        Assert.All(nodes, n => Assert.True(n.Box.X >= 0 && n.Box.Y >= 0 && n.Box.Right <= layout.Width && n.Box.Bottom <= layout.Height));
    }

    private static IEnumerable<(DrawPoint A, DrawPoint B)> Segments(RoutedEdge e) =>
        e.Points.Zip(e.Points.Skip(1));

    /// <summary>Random micro cells where every other architecture has each node read one input twice.</summary>
    public static TheoryData<int> MicroSizes => new() { 1, 2, 3, 5, 7 };

    [Theory]
    [MemberData(nameof(MicroSizes))]
    public void MicroCellsIncludingRepeatedInputs(int size)
    {
        var space = new MicroSpace(size);
        var rng = new XoshiroRandom((ulong)size);
        for (int trial = 0; trial < 40; trial++)
        {
            var tokens = ArchitectureTests.RandomArch(space, rng).Tokens.ToArray();
            if (trial % 2 == 1)
                for (int node = 0; node < 2 * size; node++) tokens[4 * node + 2] = tokens[4 * node]; // input B = input A
            var arch = new Architecture(space.Name, [.. tokens]);
            foreach (bool reduction in new[] { false, true })
                AssertReadable(MicroCellDrawing.Layout("cell", space.Cell(arch, reduction)), $"micro {arch.ToOfficialString()} reduction={reduction}");
        }
        if (size == 5)
        {
            var published = Architecture.ParseOfficial(space, SearchSpaces.PublishedMicro);
            AssertReadable(MicroCellDrawing.Layout("normal", space.Cell(published, false)), "published normal cell");
            AssertReadable(MicroCellDrawing.Layout("reduction", space.Cell(published, true)), "published reduction cell");
        }
    }

    [Fact]
    public void TwoEdgesBetweenTheSameNodesAreDrawnApartWithBothLabels()
    {
        // Node 2 = id(c[k-2]) + sep5(c[k-2]): the case that used to print "sid5".
        var space = new MicroSpace(1);
        var layout = MicroCellDrawing.Layout("cell", space.Cell(Architecture.ParseOfficial(space, "0 4 0 1 0 4 0 1"), false));
        var pair = layout.Edges.Where(e => e.From == "0" && e.To == "2").ToList();
        Assert.Equal(["id", "sep5"], pair.Select(e => e.Label).Order());
        AssertReadable(layout, "id + sep5 from one input");
    }

    [Fact]
    public void MacroNetworksIncludingThePublishedArc()
    {
        var rng = new XoshiroRandom(3);
        foreach (int layers in new[] { 2, 3, 6, 12 })
        {
            var space = new MacroSpace(layers);
            for (int trial = 0; trial < 10; trial++)
            {
                var arch = ArchitectureTests.RandomArch(space, rng);
                AssertReadable(MacroNetworkDrawing.Layout(space, arch), $"macro {arch.ToOfficialString()}");
            }
        }
        var macro = new MacroSpace(24);
        var layout = MacroNetworkDrawing.Layout(macro, Architecture.ParseOfficial(macro, SearchSpaces.PublishedMacro));
        AssertReadable(layout, "published macro arc");
        Assert.Equal(macro.Decode(Architecture.ParseOfficial(macro, SearchSpaces.PublishedMacro)).Sum(l => l.SkipSources.Count()),
            layout.Edges.Count(e => e.Dashed));
    }

    [Fact]
    public void RecurrentCells()
    {
        var rng = new XoshiroRandom(5);
        foreach (int size in new[] { 1, 2, 4, 8, 12 })
        {
            var space = new RnnSpace(size);
            for (int trial = 0; trial < 15; trial++)
            {
                var arch = ArchitectureTests.RandomArch(space, rng);
                foreach (var output in new[] { RnnCellOutput.LooseEnds, RnnCellOutput.AllNodes })
                    AssertReadable(RnnCellDrawing.Layout(space, arch, output), $"rnn {arch.ToOfficialString()} {output}");
            }
        }
    }

    [Fact]
    public void TheSvgDrawsTheLayout()
    {
        var space = new MicroSpace(1);
        var cell = space.Cell(Architecture.ParseOfficial(space, "0 4 0 1 0 4 0 1"), false);
        var layout = MicroCellDrawing.Layout("cell", cell);
        string svg = LayeredSvg.Render(layout);
        Assert.Equal(layout.Edges.Count, svg.Split("marker-end=").Length - 1);
        Assert.Equal(layout.Edges.Count(e => e.LabelBox is not null) + layout.Nodes.Count + 1, svg.Split("<text ").Length - 1);
        Assert.Contains(">id</text>", svg);
        Assert.Contains(">sep5</text>", svg);
        Assert.Equal(svg, MicroCellDrawing.Svg("cell", cell));
    }
}
