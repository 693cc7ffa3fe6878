using System.Xml.Linq;
using Enas.Search.Reporting;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Reporting;

public sealed class SvgLinePlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void WritesWellFormedSvgWithEverySeries()
    {
        using var dir = new TempFolder();
        var plot = new SvgLinePlot("Accuracy <search> & reward", "epoch", "value")
            .AddSeries("valid acc", [1, 2, 3, 4], [0.2, 0.4, 0.55, 0.6])
            .AddSeries("reward", [0.1, 0.3, 0.35, 0.5]);
        plot.Save(dir["plot.svg"]);

        var doc = XDocument.Load(dir["plot.svg"]);

        Assert.Equal(Svg + "svg", doc.Root!.Name);
        var series = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series").ToList();
        Assert.Equal(["valid acc", "reward"], series.Select(g => (string)g.Attribute("data-name")!));
        Assert.All(series, g => Assert.Single(g.Elements(Svg + "path")));
        Assert.Equal(4, series[0].Elements(Svg + "circle").Count());
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("Accuracy <search> & reward", texts);
        Assert.Contains("epoch", texts);
        Assert.Contains("valid acc", texts);
        Assert.Contains("0.6", texts); // a y tick
        Assert.Contains("4", texts); // an x tick
    }

    [Fact]
    public void NonFinitePointsBreakTheLine()
    {
        var svg = new SvgLinePlot("t", "x", "y").AddSeries("s", [1, 2, 3, 4, 5], [1, 2, double.NaN, 3, 4]).Render();
        var path = XDocument.Parse(svg).Descendants(Svg + "path").Single();
        string d = (string)path.Attribute("d")!;
        Assert.Equal(2, d.Count(ch => ch == 'M'));
        Assert.DoesNotContain("NaN", svg);
    }

    [Fact]
    public void PointsStayInsideThePlotArea()
    {
        var plot = new SvgLinePlot("t", "x", "y") { Width = 400, Height = 300 }
            .AddSeries("s", [0, 7, 13], [-3.3, 12.7, 5]);
        var doc = XDocument.Parse(plot.Render());
        foreach (var c in doc.Descendants(Svg + "circle"))
        {
            Assert.InRange(double.Parse((string)c.Attribute("cx")!), 70, 380);
            Assert.InRange(double.Parse((string)c.Attribute("cy")!), 40, 245);
        }
    }

    [Fact]
    public void EmptyAndConstantSeriesStillRender()
    {
        XDocument.Parse(new SvgLinePlot("empty", "x", "y").Render());
        XDocument.Parse(new SvgLinePlot("flat", "x", "y").AddSeries("s", [2, 2, 2]).Render());
        XDocument.Parse(new SvgLinePlot("one", "x", "y").AddSeries("s", [0.5]).Render());
        Assert.Throws<ArgumentException>(() => new SvgLinePlot("t", "x", "y").AddSeries("s", [1, 2], [1]));
    }
}

public sealed class MetricsPlotTests
{
    [Fact]
    public void PlotsSelectedFieldsOfOneKind()
    {
        using var dir = new TempFolder();
        using (var log = MetricsLog.Open(dir["m.jsonl"]))
        {
            log.Write("epoch", ("epoch", 1), ("valid_acc", 0.3), ("reward", 0.2));
            log.Write("controller", ("epoch", 1), ("reward", 9.0));
            log.Write("epoch", ("epoch", 2), ("valid_acc", double.NaN), ("reward", 0.4));
            log.Write("epoch", ("epoch", 3), ("valid_acc", 0.5), ("reward", 0.45));
        }
        var plot = MetricsPlot.Create(MetricsLog.ReadAll(dir["m.jsonl"]), "epoch", "epoch", ["valid_acc", "reward"],
            "Search", "value");
        Assert.Equal(2, plot.SeriesCount);
        var doc = System.Xml.Linq.XDocument.Parse(plot.Render());
        XNamespace svg = "http://www.w3.org/2000/svg";
        var paths = doc.Descendants(svg + "path").Select(p => (string)p.Attribute("d")!).ToList();
        Assert.Equal(2, paths[0].Count(c => c == 'M')); // NaN gap in valid_acc
        Assert.Equal(3, doc.Descendants(svg + "g").Last(g => (string?)g.Attribute("data-name") == "reward")
            .Elements(svg + "circle").Count()); // controller row (reward 9) excluded
    }
}
