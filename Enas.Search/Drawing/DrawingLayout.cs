namespace Enas.Search.Drawing;

/// <summary>A node of a layered drawing: its column is <see cref="Layer"/> (edges go to higher layers).</summary>
internal sealed record DrawNode(string Id, string Label, int Layer, string Fill);

/// <summary>An edge of a layered drawing, with an optional label (empty: none) and a dashed style.</summary>
internal sealed record DrawEdge(string From, string To, string Label, bool Dashed = false);

/// <summary>A point (x to the right, y down).</summary>
internal readonly record struct DrawPoint(double X, double Y);

/// <summary>An axis-aligned rectangle (x to the right, y down).</summary>
internal readonly record struct Box(double X, double Y, double Width, double Height)
{
    /// <summary>Right edge.</summary>
    public double Right => X + Width;

    /// <summary>Bottom edge.</summary>
    public double Bottom => Y + Height;

    /// <summary>True when the interiors overlap (touching edges do not count).</summary>
    public bool Intersects(Box other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

    /// <summary>The box grown by <paramref name="d"/> on every side (shrunk when negative).</summary>
    public Box Inflate(double d) => new(X - d, Y - d, Width + 2 * d, Height + 2 * d);

    /// <summary>The box moved by (<paramref name="dx"/>, <paramref name="dy"/>).</summary>
    public Box Offset(double dx, double dy) => this with { X = X + dx, Y = Y + dy };

    /// <summary>True when the segment <paramref name="a"/>-<paramref name="b"/> has a point in the closed box
    /// (Liang-Barsky clipping).</summary>
    public bool Touches(DrawPoint a, DrawPoint b)
    {
        double t0 = 0, t1 = 1, dx = b.X - a.X, dy = b.Y - a.Y;
        bool Clip(double p, double q)
        {
            if (p == 0) return q >= 0;
            double r = q / p;
            if (p < 0)
            {
                if (r > t1) return false;
                t0 = Math.Max(t0, r);
            }
            else
            {
                if (r < t0) return false;
                t1 = Math.Min(t1, r);
            }
            return true;
        }
        return Clip(-dx, a.X - X) && Clip(dx, Right - a.X) && Clip(-dy, a.Y - Y) && Clip(dy, Bottom - a.Y);
    }
}

/// <summary>A node where the layout put it.</summary>
internal sealed record PlacedNode(string Id, string Label, string Fill, Box Box);

/// <summary>An edge as the layout routed it: a polyline from the right side of its source box to the left side of
/// its target box (the last point), and where its label's text goes (null when unlabelled).</summary>
internal sealed record RoutedEdge(string From, string To, string Label, bool Dashed, IReadOnlyList<DrawPoint> Points, Box? LabelBox);

/// <summary>A finished layered drawing as data (what <see cref="LayeredSvg"/> renders and the tests measure).</summary>
internal sealed record DrawingLayout(string Title, double Width, double Height, IReadOnlyList<PlacedNode> Nodes,
    IReadOnlyList<RoutedEdge> Edges)
{
    /// <summary>The placed node <paramref name="id"/>.</summary>
    public PlacedNode Node(string id) => Nodes.First(n => n.Id == id);
}
