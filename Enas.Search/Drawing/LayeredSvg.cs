using System.Globalization;
using System.Net;
using System.Text;

namespace Enas.Search.Drawing;

/// <summary>A node of a layered drawing.</summary>
internal sealed record DrawNode(string Id, string Label, int Layer, string Fill);

/// <summary>A labelled edge.</summary>
internal sealed record DrawEdge(string From, string To, string Label);

/// <summary>
/// A tiny layered graph drawer (no Graphviz): nodes are placed in columns by <see cref="DrawNode.Layer"/>, rows by
/// order within the layer; edges are straight lines (curved when they skip layers) with their label at the middle.
/// </summary>
internal static class LayeredSvg
{
    private const int ColumnWidth = 170, RowHeight = 70, BoxW = 90, BoxH = 34, Margin = 40;

    public static string Render(string title, IReadOnlyList<DrawNode> nodes, IReadOnlyList<DrawEdge> edges)
    {
        var pos = new Dictionary<string, (double X, double Y)>();
        var byLayer = nodes.GroupBy(n => n.Layer).OrderBy(g => g.Key).ToList();
        int maxRows = byLayer.Max(g => g.Count());
        foreach (var g in byLayer)
        {
            int i = 0, count = g.Count();
            foreach (var n in g)
            {
                double y = Margin + 30 + (maxRows - count) * RowHeight / 2.0 + i * RowHeight;
                pos[n.Id] = (Margin + g.Key * ColumnWidth, y);
                i++;
            }
        }
        int width = Margin * 2 + (byLayer.Max(g => g.Key) + 1) * ColumnWidth;
        int height = Margin * 2 + 30 + maxRows * RowHeight;
        var sb = new StringBuilder();
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        sb.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine("<defs><marker id=\"a\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>");
        sb.AppendLine($"<rect width=\"100%\" height=\"100%\" fill=\"white\"/><text x=\"{Margin}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        int k = 0;
        foreach (var e in edges)
        {
            var (x1, y1) = pos[e.From];
            var (x2, y2) = pos[e.To];
            x1 += BoxW; y1 += BoxH / 2.0; y2 += BoxH / 2.0;
            double bend = Math.Abs(x2 - x1) > ColumnWidth ? -25 - 8 * (k % 4) : 0;
            double mx = (x1 + x2) / 2, my = (y1 + y2) / 2 + bend;
            sb.AppendLine($"<path d=\"M{F(x1)},{F(y1)} Q{F(mx)},{F(my + bend)} {F(x2)},{F(y2)}\" fill=\"none\" stroke=\"#555\" marker-end=\"url(#a)\"/>");
            if (e.Label.Length > 0)
                sb.AppendLine($"<text x=\"{F(mx)}\" y=\"{F(my - 3)}\" text-anchor=\"middle\" fill=\"#b03000\">{WebUtility.HtmlEncode(e.Label)}</text>");
            k++;
        }
        foreach (var n in nodes)
        {
            var (x, y) = pos[n.Id];
            sb.AppendLine($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{BoxW}\" height=\"{BoxH}\" rx=\"6\" fill=\"{n.Fill}\" stroke=\"#333\"/>");
            sb.AppendLine($"<text x=\"{F(x + BoxW / 2.0)}\" y=\"{F(y + BoxH / 2.0 + 4)}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(n.Label)}</text>");
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }
}
