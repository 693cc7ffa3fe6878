using System.Globalization;
using System.Net;
using System.Text;

namespace Enas.Search.Drawing;

/// <summary>
/// Renders a <see cref="DrawingLayout"/> as SVG: each edge a polyline with an arrowhead, coloured by its source node
/// (its label in the same colour, on the edge's stub), dashed where the edge is; then the node boxes.
/// </summary>
internal static class LayeredSvg
{
    private static readonly string[] Palette = ["#3b5b92", "#b03000", "#2e7d32", "#7b1fa2", "#00838f", "#8d6e00", "#c2185b", "#455a64"];

    /// <summary>Lays out and renders the graph.</summary>
    public static string Render(string title, IReadOnlyList<DrawNode> nodes, IReadOnlyList<DrawEdge> edges) =>
        Render(LayeredLayout.Compute(title, nodes, edges));

    /// <summary>Renders a finished layout.</summary>
    public static string Render(DrawingLayout layout)
    {
        var sb = new StringBuilder();
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        sb.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(layout.Width)}\" height=\"{F(layout.Height)}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append("<defs>");
        for (int c = 0; c < Palette.Length; c++)
            sb.Append($"<marker id=\"a{c}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{Palette[c]}\"/></marker>");
        sb.AppendLine("</defs>");
        sb.AppendLine($"<rect width=\"100%\" height=\"100%\" fill=\"white\"/><text x=\"30\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{WebUtility.HtmlEncode(layout.Title)}</text>");
        var colour = layout.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => x.i % Palette.Length);
        foreach (var e in layout.Edges)
        {
            int c = colour[e.From];
            string d = "M" + string.Join(" L", e.Points.Select(p => $"{F(p.X)},{F(p.Y)}"));
            string dash = e.Dashed ? " stroke-dasharray=\"6,3\"" : "";
            sb.AppendLine($"<path d=\"{d}\" fill=\"none\" stroke=\"{Palette[c]}\" stroke-width=\"1.3\" stroke-linejoin=\"round\"{dash} marker-end=\"url(#a{c})\"/>");
            if (e.LabelBox is { } b)
                sb.AppendLine($"<text x=\"{F(b.X + b.Width / 2)}\" y=\"{F(b.Bottom - 3)}\" text-anchor=\"middle\" fill=\"{Palette[c]}\">{WebUtility.HtmlEncode(e.Label)}</text>");
        }
        foreach (var n in layout.Nodes)
        {
            var b = n.Box;
            sb.AppendLine($"<rect x=\"{F(b.X)}\" y=\"{F(b.Y)}\" width=\"{F(b.Width)}\" height=\"{F(b.Height)}\" rx=\"6\" fill=\"{n.Fill}\" stroke=\"#333\"/>");
            sb.AppendLine($"<text x=\"{F(b.X + b.Width / 2)}\" y=\"{F(b.Y + b.Height / 2 + 4)}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(n.Label)}</text>");
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }
}
