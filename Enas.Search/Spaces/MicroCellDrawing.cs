using Enas.Search.Drawing;

namespace Enas.Search.Spaces;

/// <summary>SVG drawing of a micro cell: the two inputs, the nodes by depth with their ops on the edges, the loose-end
/// concat.</summary>
internal static class MicroCellDrawing
{
    /// <summary><paramref name="cell"/> as SVG text titled <paramref name="title"/>.</summary>
    public static string Svg(string title, MicroCell cell) => LayeredSvg.Render(Layout(title, cell));

    /// <summary>The drawing of <paramref name="cell"/> as data (boxes, edge polylines, label boxes).</summary>
    public static DrawingLayout Layout(string title, MicroCell cell)
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
        return LayeredLayout.Compute(title, nodes, edges);
    }
}
