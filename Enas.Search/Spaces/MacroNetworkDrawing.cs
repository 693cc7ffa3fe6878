using Enas.Search.Drawing;

namespace Enas.Search.Spaces;

/// <summary>SVG drawing of a macro network: layers left to right, skip connections (from the stem or an earlier layer,
/// <see cref="MacroSkipIndexing"/>) as arcs.</summary>
internal static class MacroNetworkDrawing
{
    /// <summary>The network of <paramref name="arch"/> as SVG text.</summary>
    public static string Svg(MacroSpace space, Architecture arch) => LayeredSvg.Render(Layout(space, arch));

    /// <summary>The drawing of <paramref name="arch"/> as data (boxes, edge polylines); skips are dashed.</summary>
    public static DrawingLayout Layout(MacroSpace space, Architecture arch)
    {
        var layers = space.Decode(arch);
        var nodes = new List<DrawNode> { new("in", "stem", 0, "#cde4ff") };
        var edges = new List<DrawEdge>();
        for (int i = 0; i < layers.Length; i++)
        {
            string label = layers[i].Op.Short() + (space.ReductionAfter.Contains(i) ? " ↓2" : "");
            nodes.Add(new DrawNode($"L{i}", $"L{i} {label}", i + 1, "#fff2c6"));
            edges.Add(new DrawEdge(i == 0 ? "in" : $"L{i - 1}", $"L{i}", ""));
            foreach (int p in layers[i].SkipSources) edges.Add(new DrawEdge(p == 0 ? "in" : $"L{p - 1}", $"L{i}", "", Dashed: true));
        }
        nodes.Add(new DrawNode("head", "pool+fc", layers.Length + 1, "#d7f5d0"));
        edges.Add(new DrawEdge($"L{layers.Length - 1}", "head", ""));
        return LayeredLayout.Compute($"macro network ({layers.Length} layers, skip rate {space.SkipRate(arch):P0}; dashed: skip connections)", nodes, edges);
    }
}
