using System.Globalization;
using System.Security;
using System.Text;

namespace Enas.Search.Reporting;

/// <summary>
/// A dependency-free line chart written as a standalone SVG document: one or more named series, axes with "nice"
/// ticks (1, 2, 5 x 10^k), axis labels, a title and a legend. Non-finite points break a line instead of
/// corrupting it. Typical use: accuracy and reward over epochs.
/// </summary>
public sealed class SvgLinePlot
{
    private static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    private readonly List<(string Name, double[] X, double[] Y)> _series = [];

    /// <summary>Creates an empty chart.</summary>
    public SvgLinePlot(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    /// <summary>Chart title.</summary>
    public string Title { get; }

    /// <summary>X axis label.</summary>
    public string XLabel { get; }

    /// <summary>Y axis label.</summary>
    public string YLabel { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 720;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 420;

    /// <summary>Fixed lower y bound (null: from the data).</summary>
    public double? YMin { get; init; }

    /// <summary>Fixed upper y bound (null: from the data).</summary>
    public double? YMax { get; init; }

    /// <summary>Number of series added.</summary>
    public int SeriesCount => _series.Count;

    /// <summary>Adds a series of points (<paramref name="x"/>[i], <paramref name="y"/>[i]); arrays are copied.</summary>
    public SvgLinePlot AddSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
            throw new ArgumentException($"SvgLinePlot: series '{name}' has {x.Count} x values and {y.Count} y values");
        _series.Add((name, x.ToArray(), y.ToArray()));
        return this;
    }

    /// <summary>Adds a series whose x values are 1, 2, 3, ...</summary>
    public SvgLinePlot AddSeries(string name, IReadOnlyList<double> y) =>
        AddSeries(name, Enumerable.Range(1, y.Count).Select(i => (double)i).ToArray(), y);

    /// <summary>Writes the SVG atomically to <paramref name="path"/>.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, Render());

    /// <summary>The SVG document.</summary>
    public string Render()
    {
        const double left = 70, right = 20, top = 40, bottom = 55;
        double plotW = Width - left - right, plotH = Height - top - bottom;
        var (x0, x1) = Range(_series.SelectMany(s => s.X), null, null);
        var (y0, y1) = Range(_series.SelectMany(s => s.Y), YMin, YMax);
        var xTicks = Ticks(x0, x1, out x0, out x1);
        var yTicks = Ticks(y0, y1, out y0, out y1);
        if (YMin is { } fixedLo) y0 = fixedLo;
        if (YMax is { } fixedHi) y1 = fixedHi;
        double Sx(double v) => left + (v - x0) / (x1 - x0) * plotW;
        double Sy(double v) => top + plotH - (v - y0) / (y1 - y0) * plotH;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" ")
           .Append($"viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{F(Width / 2.0)}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" " +
                   $"font-weight=\"bold\">{Esc(Title)}</text>\n");
        svg.Append("<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n");
        foreach (var t in yTicks.Where(t => t >= y0 && t <= y1))
            svg.Append($"<line x1=\"{F(left)}\" x2=\"{F(left + plotW)}\" y1=\"{F(Sy(t))}\" y2=\"{F(Sy(t))}\"/>\n");
        foreach (var t in xTicks.Where(t => t >= x0 && t <= x1))
            svg.Append($"<line x1=\"{F(Sx(t))}\" x2=\"{F(Sx(t))}\" y1=\"{F(top)}\" y2=\"{F(top + plotH)}\"/>\n");
        svg.Append("</g>\n");
        svg.Append($"<rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(plotW)}\" height=\"{F(plotH)}\" fill=\"none\" " +
                   "stroke=\"#333\" stroke-width=\"1\"/>\n");
        svg.Append("<g class=\"ticks\" fill=\"#333\">\n");
        foreach (var t in xTicks.Where(t => t >= x0 && t <= x1))
            svg.Append($"<text x=\"{F(Sx(t))}\" y=\"{F(top + plotH + 16)}\" text-anchor=\"middle\">{Num(t)}</text>\n");
        foreach (var t in yTicks.Where(t => t >= y0 && t <= y1))
            svg.Append($"<text x=\"{F(left - 6)}\" y=\"{F(Sy(t) + 4)}\" text-anchor=\"end\">{Num(t)}</text>\n");
        svg.Append("</g>\n");
        svg.Append($"<text x=\"{F(left + plotW / 2)}\" y=\"{F(Height - 12.0)}\" text-anchor=\"middle\">{Esc(XLabel)}</text>\n");
        svg.Append($"<text x=\"16\" y=\"{F(top + plotH / 2)}\" text-anchor=\"middle\" " +
                   $"transform=\"rotate(-90 16 {F(top + plotH / 2)})\">{Esc(YLabel)}</text>\n");

        for (int s = 0; s < _series.Count; s++)
        {
            var (name, xs, ys) = _series[s];
            string color = Palette[s % Palette.Length];
            var d = new StringBuilder();
            bool pen = false;
            int points = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i]))
                {
                    pen = false;
                    continue;
                }
                d.Append(pen ? " L" : (d.Length > 0 ? " M" : "M")).Append(F(Sx(xs[i]))).Append(',').Append(F(Sy(ys[i])));
                pen = true;
                points++;
            }
            svg.Append($"<g class=\"series\" data-name=\"{Esc(name)}\">\n");
            if (d.Length > 0)
                svg.Append($"<path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" " +
                           "stroke-linejoin=\"round\"/>\n");
            if (points <= 40)
                for (int i = 0; i < xs.Length; i++)
                    if (double.IsFinite(xs[i]) && double.IsFinite(ys[i]))
                        svg.Append($"<circle cx=\"{F(Sx(xs[i]))}\" cy=\"{F(Sy(ys[i]))}\" r=\"2.5\" fill=\"{color}\"/>\n");
            svg.Append("</g>\n");
        }

        if (_series.Count > 0)
        {
            double lw = 24 + 7.2 * _series.Max(s => s.Name.Length) + 16, lh = 8 + 18 * _series.Count;
            double lx = left + plotW - lw - 8, ly = top + 8;
            svg.Append($"<g class=\"legend\">\n<rect x=\"{F(lx)}\" y=\"{F(ly)}\" width=\"{F(lw)}\" height=\"{F(lh)}\" " +
                       "fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>\n");
            for (int s = 0; s < _series.Count; s++)
            {
                double yy = ly + 16 + 18 * s;
                svg.Append($"<line x1=\"{F(lx + 8)}\" x2=\"{F(lx + 26)}\" y1=\"{F(yy - 4)}\" y2=\"{F(yy - 4)}\" " +
                           $"stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\"/>\n");
                svg.Append($"<text x=\"{F(lx + 32)}\" y=\"{F(yy)}\">{Esc(_series[s].Name)}</text>\n");
            }
            svg.Append("</g>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static (double Lo, double Hi) Range(IEnumerable<double> values, double? lo, double? hi)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min > max) (min, max) = (0, 1);
        if (lo is { } l) min = l;
        if (hi is { } h) max = h;
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            double pad = Math.Abs(max) > 0 ? Math.Abs(max) * 0.1 : 1;
            (min, max) = (min - pad, max + pad);
        }
        return (min, max);
    }

    /// <summary>About five nice ticks; widens [lo, hi] to whole ticks.</summary>
    private static List<double> Ticks(double lo, double hi, out double niceLo, out double niceHi)
    {
        double raw = (hi - lo) / 5;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        niceLo = Math.Floor(lo / step + 1e-9) * step;
        niceHi = Math.Ceiling(hi / step - 1e-9) * step;
        var ticks = new List<double>();
        for (double t = niceLo; t <= niceHi + step * 1e-6; t += step) ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
