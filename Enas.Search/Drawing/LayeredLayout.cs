namespace Enas.Search.Drawing;

/// <summary>
/// Lays out a layered graph (no Graphviz). Nodes stand in columns by layer, each column ordered by where its nodes'
/// inputs stand and centred. Every edge leaves its source's right side and enters its target's left side at a port of
/// its own, so two edges between the same nodes are drawn apart; it ends in a horizontal stub that carries its label,
/// just left of the target, with labelled ports far enough apart that labels cannot overlap. Between adjacent columns
/// an edge is a straight line through the empty gap; an edge that spans columns runs on a horizontal track, clear of
/// every box in the columns it passes and of the other tracks there, so no edge crosses a box other than its ends.
/// </summary>
internal static class LayeredLayout
{
    /// <summary>Estimated width of one character at the drawing's 12 px font.</summary>
    internal const double CharWidth = 7;

    private const double LabelHeight = 14, MinNodeWidth = 90, MinNodeHeight = 34, LabelledPitch = 17, PlainPitch = 8,
        NodeGap = 30, DiagonalZone = 70, TrackGap = 7, TrackClearance = 12, Margin = 30, TitleHeight = 30;

    /// <summary>Lays out <paramref name="nodes"/> and <paramref name="edges"/> under <paramref name="title"/>.</summary>
    public static DrawingLayout Compute(string title, IReadOnlyList<DrawNode> nodes, IReadOnlyList<DrawEdge> edges)
    {
        var index = Check(nodes, edges);
        var layers = nodes.Select(n => n.Layer).Distinct().Order().ToList();
        int[] column = [.. nodes.Select(n => layers.IndexOf(n.Layer))];
        int[] from = [.. edges.Select(e => index[e.From])], to = [.. edges.Select(e => index[e.To])];
        double width = Math.Max(MinNodeWidth, nodes.Max(n => TextWidth(n.Label)) + 24);
        double stub = edges.Where(e => e.Label.Length > 0).Select(e => LabelWidth(e.Label) + 14).DefaultIfEmpty(14).Max();
        double columnPitch = width + DiagonalZone + stub;
        var height = new double[nodes.Count];
        for (int n = 0; n < nodes.Count; n++)
        {
            int ins = to.Count(t => t == n), outs = from.Count(f => f == n);
            double pitch = Enumerable.Range(0, edges.Count).Any(e => to[e] == n && edges[e].Label.Length > 0) ? LabelledPitch : PlainPitch;
            height[n] = Math.Max(MinNodeHeight, Math.Max(ins * pitch, outs * PlainPitch));
        }
        var boxes = Place(nodes, column, layers.Count, from, to, width, height, columnPitch);

        // Ports: incoming ordered by where their sources stand, outgoing by where their target ports are.
        var targetY = new double[edges.Count];
        var sourceY = new double[edges.Count];
        AssignPorts(boxes, to, e => Centre(boxes[from[e]]), targetY);
        AssignPorts(boxes, from, e => targetY[e], sourceY);

        var points = new DrawPoint[edges.Count][];
        var tracks = new List<(int First, int Last, double Y)>();
        // Short spans first, so nested arcs take the tracks nearer the boxes.
        foreach (int e in Enumerable.Range(0, edges.Count).OrderBy(e => column[to[e]] - column[from[e]]).ThenBy(e => e))
        {
            int a = column[from[e]], b = column[to[e]];
            var start = new DrawPoint(boxes[from[e]].Right, sourceY[e]);
            var stubStart = new DrawPoint(boxes[to[e]].X - stub, targetY[e]);
            var end = new DrawPoint(boxes[to[e]].X, targetY[e]);
            if (b == a + 1)
            {
                points[e] = [start, stubStart, end];
                continue;
            }
            double y = FreeTrack(boxes, column, tracks, a + 1, b - 1, (start.Y + end.Y) / 2);
            tracks.Add((a + 1, b - 1, y));
            points[e] = [start, new DrawPoint((a + 1) * columnPitch - stub, y), new DrawPoint((b - 1) * columnPitch + width + 10, y), stubStart, end];
        }

        // Now that the tracks are known, order the ports by where each edge really arrives and leaves (fewer crossings).
        AssignPorts(boxes, to, e => points[e][^3].Y, targetY);
        AssignPorts(boxes, from, e => points[e].Length > 3 ? points[e][1].Y : targetY[e], sourceY);
        for (int e = 0; e < edges.Count; e++)
        {
            var p = points[e];
            p[0] = p[0] with { Y = sourceY[e] };
            p[^2] = p[^2] with { Y = targetY[e] };
            p[^1] = p[^1] with { Y = targetY[e] };
        }

        var labels = new Box?[edges.Count];
        for (int e = 0; e < edges.Count; e++)
            if (edges[e].Label.Length > 0)
            {
                double w = LabelWidth(edges[e].Label);
                labels[e] = new Box(boxes[to[e]].X - 6 - w, targetY[e] - LabelHeight - 1, w, LabelHeight);
            }
        return Translate(title, nodes, edges, boxes, points, labels);
    }

    /// <summary>Spreads the ports of each node's edges (those whose <paramref name="end"/> is the node) evenly down
    /// its box, ordered by <paramref name="key"/> (then by edge index, so parallel edges keep their order).</summary>
    private static void AssignPorts(Box[] boxes, int[] end, Func<int, double> key, double[] y)
    {
        for (int n = 0; n < boxes.Length; n++)
        {
            int node = n;
            var mine = Enumerable.Range(0, end.Length).Where(e => end[e] == node).OrderBy(key).ThenBy(e => e).ToList();
            for (int k = 0; k < mine.Count; k++) y[mine[k]] = boxes[n].Y + boxes[n].Height * (k + 0.5) / mine.Count;
        }
    }

    /// <summary>Width of <paramref name="text"/> at the drawing's font.</summary>
    internal static double TextWidth(string text) => text.Length * CharWidth;

    private static double LabelWidth(string label) => TextWidth(label) + 6;

    private static double Centre(Box b) => b.Y + b.Height / 2;

    /// <summary>Node index by id; throws when ids repeat, an edge names an unknown node or does not go to a higher layer.</summary>
    private static Dictionary<string, int> Check(IReadOnlyList<DrawNode> nodes, IReadOnlyList<DrawEdge> edges)
    {
        if (nodes.Count == 0) throw new ArgumentException("a drawing needs at least one node", nameof(nodes));
        var index = new Dictionary<string, int>();
        for (int i = 0; i < nodes.Count; i++)
            if (!index.TryAdd(nodes[i].Id, i)) throw new ArgumentException($"node id '{nodes[i].Id}' is used twice", nameof(nodes));
        foreach (var e in edges)
        {
            if (!index.TryGetValue(e.From, out int f) || !index.TryGetValue(e.To, out int t))
                throw new ArgumentException($"edge {e.From} -> {e.To} names an unknown node", nameof(edges));
            if (nodes[t].Layer <= nodes[f].Layer)
                throw new ArgumentException($"edge {e.From} -> {e.To} does not go to a later layer", nameof(edges));
        }
        return index;
    }

    /// <summary>Boxes column by column: each column's nodes ordered by the mean centre of their inputs (the first
    /// column in the given order), stacked and centred on y = 0.</summary>
    private static Box[] Place(IReadOnlyList<DrawNode> nodes, int[] column, int columns, int[] from, int[] to,
        double width, double[] height, double columnPitch)
    {
        var boxes = new Box[nodes.Count];
        for (int c = 0; c < columns; c++)
        {
            int col = c;
            var members = Enumerable.Range(0, nodes.Count).Where(n => column[n] == col).ToList();
            double Key(int n)
            {
                var inputs = Enumerable.Range(0, from.Length).Where(e => to[e] == n).Select(e => Centre(boxes[from[e]])).ToList();
                return inputs.Count > 0 ? inputs.Average() : members.IndexOf(n);
            }
            if (c > 0) members = [.. members.OrderBy(Key).ThenBy(n => n)];
            double y = -(members.Sum(n => height[n]) + NodeGap * (members.Count - 1)) / 2;
            foreach (int n in members)
            {
                boxes[n] = new Box(c * columnPitch, y, width, height[n]);
                y += height[n] + NodeGap;
            }
        }
        return boxes;
    }

    /// <summary>The y nearest <paramref name="want"/> at which a horizontal track through columns
    /// <paramref name="first"/>..<paramref name="last"/> clears their boxes and the tracks already there.</summary>
    private static double FreeTrack(Box[] boxes, int[] column, List<(int First, int Last, double Y)> tracks, int first, int last, double want)
    {
        var blocked = new List<(double Lo, double Hi)>();
        for (int n = 0; n < boxes.Length; n++)
            if (column[n] >= first && column[n] <= last)
                blocked.Add((boxes[n].Y - TrackClearance, boxes[n].Bottom + TrackClearance));
        foreach (var t in tracks)
            if (t.First <= last && first <= t.Last) blocked.Add((t.Y - TrackGap, t.Y + TrackGap));
        blocked.Sort();
        var merged = new List<(double Lo, double Hi)>();
        foreach (var iv in blocked)
        {
            if (merged.Count > 0 && iv.Lo <= merged[^1].Hi) merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, iv.Hi));
            else merged.Add(iv);
        }
        foreach (var (lo, hi) in merged)
            if (want > lo && want < hi) return want - lo <= hi - want ? lo : hi;
        return want;
    }

    /// <summary>Moves everything so the drawing starts at the margin below the title, and sizes it.</summary>
    private static DrawingLayout Translate(string title, IReadOnlyList<DrawNode> nodes, IReadOnlyList<DrawEdge> edges,
        Box[] boxes, DrawPoint[][] points, Box?[] labels)
    {
        var all = boxes.Concat(labels.OfType<Box>()).ToList();
        all.AddRange(points.SelectMany(p => p).Select(p => new Box(p.X, p.Y, 0, 0)));
        double minX = all.Min(b => b.X), minY = all.Min(b => b.Y);
        double dx = Margin - minX, dy = Margin + TitleHeight - minY;
        double width = Math.Max(all.Max(b => b.Right) + dx + Margin, TextWidth(title) * 1.25 + 2 * Margin);
        double height = all.Max(b => b.Bottom) + dy + Margin;
        var placed = nodes.Select((n, i) => new PlacedNode(n.Id, n.Label, n.Fill, boxes[i].Offset(dx, dy))).ToList();
        var routed = edges.Select((e, i) => new RoutedEdge(e.From, e.To, e.Label, e.Dashed,
            [.. points[i].Select(p => new DrawPoint(p.X + dx, p.Y + dy))], labels[i]?.Offset(dx, dy))).ToList();
        return new DrawingLayout(title, width, height, placed, routed);
    }
}
