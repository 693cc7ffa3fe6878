using Enas.Search.Drawing;

namespace Enas.Search.Spaces;

/// <summary>SVG drawing of a recurrent cell: x_t and h_{t-1} on the left, nodes by depth, the averaged nodes (loose
/// ends, or all) into h_t.</summary>
public static class RnnCellDrawing
{
    /// <summary>The cell of <paramref name="architecture"/> as SVG text; h_t averages the nodes <paramref name="output"/> selects.</summary>
    public static string Svg(RnnSpace space, Architecture architecture, RnnCellOutput output = RnnCellOutput.LooseEnds) =>
        LayeredSvg.Render(Layout(space, architecture, output));

    /// <summary>The drawing of the cell as data (boxes, edge polylines).</summary>
    internal static DrawingLayout Layout(RnnSpace space, Architecture architecture, RnnCellOutput output = RnnCellOutput.LooseEnds)
    {
        var cell = space.Decode(architecture);
        var depth = new int[cell.Nodes.Length];
        var nodes = new List<DrawNode> { new("x", "x_t", 0, "#cde4ff"), new("h", "h_{t-1}", 0, "#cde4ff") };
        var edges = new List<DrawEdge>();
        for (int i = 0; i < cell.Nodes.Length; i++)
        {
            var n = cell.Nodes[i];
            depth[i] = i == 0 ? 1 : depth[n.Input] + 1;
            nodes.Add(new DrawNode($"n{i}", $"{i}: {n.Activation.Name()}", depth[i], "#fff2c6"));
            if (i == 0)
            {
                edges.Add(new DrawEdge("x", "n0", ""));
                edges.Add(new DrawEdge("h", "n0", ""));
            }
            else edges.Add(new DrawEdge($"n{n.Input}", $"n{i}", ""));
        }
        nodes.Add(new DrawNode("out", "h_t = mean", depth.Max() + 1, "#d7f5d0"));
        foreach (int e in cell.OutputNodes(output)) edges.Add(new DrawEdge($"n{e}", "out", ""));
        return LayeredLayout.Compute($"recurrent cell ({cell.Nodes.Length} nodes, highway edges)", nodes, edges);
    }
}
