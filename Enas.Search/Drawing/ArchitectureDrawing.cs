using Enas.Search.Spaces;

namespace Enas.Search.Drawing;

/// <summary>SVG drawings of architectures: micro cells (inputs, nodes, loose-end concat) and macro networks.</summary>
public static class ArchitectureDrawing
{
    /// <summary>Drawing files for an architecture: (file name, SVG text).</summary>
    public static IReadOnlyList<(string File, string Svg)> Draw(ISearchSpace space, Architecture arch) => space switch
    {
        MicroSpace micro =>
        [
            ("normal-cell.svg", Cell("normal cell", micro.Cell(arch, false))),
            ("reduction-cell.svg", Cell("reduction cell", micro.Cell(arch, true))),
        ],
        MacroSpace macro => [("macro-network.svg", Macro(macro, arch))],
        Rnn.RnnSpace rnn => [("rnn-cell.svg", Rnn.RnnCellDrawing.Svg(rnn, arch))],
        _ => [],
    };

    /// <summary>One micro cell.</summary>
    public static string Cell(string title, MicroCell cell)
    {
        int count = cell.Nodes.Length + 2;
        var depth = new int[count];
        for (int k = 0; k < cell.Nodes.Length; k++)
        {
            var n = cell.Nodes[k];
            depth[k + 2] = 1 + Math.Max(depth[n.InputA], depth[n.InputB]);
        }
        var nodes = new List<DrawNode>
        {
            new("0", "c[k-2]", 0, "#cde4ff"),
            new("1", "c[k-1]", 0, "#cde4ff"),
        };
        var edges = new List<DrawEdge>();
        for (int k = 0; k < cell.Nodes.Length; k++)
        {
            var n = cell.Nodes[k];
            nodes.Add(new DrawNode((k + 2).ToString(), $"node {k + 2}", depth[k + 2], "#fff2c6"));
            edges.Add(new DrawEdge(n.InputA.ToString(), (k + 2).ToString(), n.OpA.Short()));
            edges.Add(new DrawEdge(n.InputB.ToString(), (k + 2).ToString(), n.OpB.Short()));
        }
        int outLayer = depth.Max() + 1;
        nodes.Add(new DrawNode("out", "concat", outLayer, "#d7f5d0"));
        foreach (int j in cell.LooseEnds()) edges.Add(new DrawEdge(j.ToString(), "out", ""));
        return LayeredSvg.Render(title, nodes, edges);
    }

    /// <summary>A macro network: layers left to right, skip connections as arcs.</summary>
    public static string Macro(MacroSpace space, Architecture arch)
    {
        var layers = space.Decode(arch);
        var nodes = new List<DrawNode> { new("in", "stem", 0, "#cde4ff") };
        var edges = new List<DrawEdge>();
        for (int i = 0; i < layers.Length; i++)
        {
            string label = layers[i].Op.Short() + (space.ReductionAfter.Contains(i) ? " ↓2" : "");
            nodes.Add(new DrawNode($"L{i}", $"L{i} {label}", i + 1, "#fff2c6"));
            edges.Add(new DrawEdge(i == 0 ? "in" : $"L{i - 1}", $"L{i}", ""));
            for (int j = 0; j < i - 1; j++)
                if (layers[i].Skips[j]) edges.Add(new DrawEdge($"L{j}", $"L{i}", "skip"));
        }
        nodes.Add(new DrawNode("head", "pool+fc", layers.Length + 1, "#d7f5d0"));
        edges.Add(new DrawEdge($"L{layers.Length - 1}", "head", ""));
        return LayeredSvg.Render($"macro network ({layers.Length} layers, skip rate {space.SkipRate(arch):P0})", nodes, edges);
    }
}
