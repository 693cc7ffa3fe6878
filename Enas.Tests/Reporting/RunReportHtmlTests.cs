using System.Text;
using System.Text.RegularExpressions;
using Enas.Search.Reporting;
using Enas.Search.Reporting.Report;

namespace Enas.Tests.Reporting;

public sealed class RunReportHtmlTests
{
    private const string Hostile = "<script>alert(1)</script> & \"quoted\" 'single'";

    private static RunReport Sample() => new()
    {
        Title = "ENAS micro search " + Hostile,
        Folder = "/runs/" + Hostile,
        Status = "search finished " + Hostile,
        NextCommand = "dotnet run -- train --arch \"/runs/a b/best-architecture.json\" --data <dir>",
        NextCommandNote = "note " + Hostile,
        Facts = [("best architecture", "0 1 2 " + Hostile)],
        Curves = [new ReportFigure("curve", new SvgLinePlot("accuracy & loss", "epoch", "value").AddSeries("acc", [0.1, 0.5]).Render())],
        Drawings = [new ReportFigure("normal cell " + Hostile, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"#cde4ff\"/></svg>", "normal-cell.svg")],
        Top = new ReportTable(["rank", "architecture"], [["1", Hostile]]),
        PolicyVsUniform = new ReportTable(["samples", "mean"], [["policy", "50 %"], ["uniform", "40 %"]]),
        PolicyVerdict = "verdict " + Hostile,
        RankCheck = new ReportTable(["field", "value"], [["kendall_tau", "0.5"]]),
        Comparison = new ReportTable(["role", "model"], [["searched", Hostile]]),
        ComparisonSummary = "searched - random: +4 pts " + Hostile,
        Settings = new ReportTable(["setting", "value"], [["dataDir", Hostile]]),
        Problems = ["summary.json: " + Hostile],
        Generated = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
    };

    [Fact]
    public void EveryTextFromTheRunIsEscaped()
    {
        string html = RunReportHtml.Render(Sample());
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("'single'", html);
        Assert.Single(Regex.Matches(html, "<script>").Cast<Match>()); // the page's own check, nothing else
        const string escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;";
        foreach (var place in new[]
                 {
                     $"<h1>ENAS micro search {escaped}</h1>", $"<p>/runs/{escaped}</p>", $"search finished {escaped}", $"note {escaped}",
                     $"<td>0 1 2 {escaped}</td>", $"alt=\"normal cell {escaped}\"", $"<figcaption>normal cell {escaped} (normal-cell.svg)</figcaption>",
                     $"<td class=\"mono\">{escaped}</td>", $"verdict {escaped}", $"+4 pts {escaped}", $"<td>{escaped}</td>", $"summary.json: {escaped}",
                 })
            Assert.Contains(place, html);
        Assert.Contains("--data &lt;dir&gt;", html);
        Assert.Contains("accuracy &amp; loss", html); // the curve's own escaping, inlined as it is
    }

    [Fact]
    public void EverySectionIsThereSelfContained()
    {
        string html = RunReportHtml.Render(Sample());
        foreach (var id in new[] { "next", "summary", "drawings", "curves", "top", "policy", "rank", "comparison", "settings", "problems" })
        {
            Assert.Contains($"<section id=\"{id}\">", html);
            Assert.Contains($"<a href=\"#{id}\">", html);
        }
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\"", html); // the curve inline
        var uri = Regex.Match(html, "src=\"data:image/svg\\+xml;base64,([A-Za-z0-9+/=]+)\"");
        Assert.True(uri.Success);
        Assert.Contains("fill=\"#cde4ff\"", Encoding.UTF8.GetString(Convert.FromBase64String(uri.Groups[1].Value)));
        // nothing fetched from elsewhere
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("@import", html);
    }

    [Fact]
    public void SectionsWithoutDataAreLeftOut()
    {
        string html = RunReportHtml.Render(new RunReport { Title = "t", Folder = "/f", Status = "s" });
        Assert.Contains("<section id=\"settings\">", html);
        foreach (var id in new[] { "next", "drawings", "curves", "top", "policy", "rank", "comparison", "problems" })
            Assert.DoesNotContain($"<section id=\"{id}\">", html);
    }
}
