using System.Globalization;
using System.Net;
using System.Text;

namespace Enas.Search.Reporting.Report;

/// <summary>
/// Writes a <see cref="RunReport"/> as one self-contained HTML page: inline CSS, the curves as inline SVG, the
/// drawings as SVG data URIs, a few lines of inline script that mark a drawing the browser cannot show; nothing is
/// fetched from anywhere. Every text from the run is HTML-escaped.
/// </summary>
public static class RunReportHtml
{
    /// <summary>The file name in every run folder.</summary>
    public const string FileName = "report.html";

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f5f6f8;line-height:1.45}
        header{background:#24364f;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:1.5em}
        header p{margin:2px 0;opacity:.9}.running{color:#ffd479}nav{padding:8px 28px;background:#e3e7ee;font-size:.92em}
        nav a{margin-right:14px;color:#24364f}main{padding:8px 28px 40px}section{background:#fff;border:1px solid #d8dde5;
        border-radius:8px;margin:18px 0;padding:8px 20px 16px}h2{font-size:1.15em;margin:10px 0}table{border-collapse:collapse;
        font-size:.92em;margin:6px 0}th,td{border:1px solid #d8dde5;padding:4px 9px;text-align:left;vertical-align:top}
        th{background:#eef1f5}td.mono,pre,code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
        pre{background:#1d232a;color:#e6edf3;padding:10px 14px;border-radius:6px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
        pre.text{background:#f3f5f8;color:#1d232a}.figures{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}
        figure img,figure svg{max-width:100%;height:auto;border:1px solid #e3e7ee;background:#fff}figcaption{font-size:.88em;color:#55606e}
        .note{color:#55606e;font-size:.92em}.problem{color:#a4161a}
        """;

    /// <summary>Runs in the page: a drawing the browser could not decode gets a visible note and a console error,
    /// and the body's data-report-check attribute says "ok" or which drawings failed (a headless browser reads it).</summary>
    private const string Script = """
        (function () {
          var images = Array.prototype.slice.call(document.querySelectorAll("img.drawing"));
          var failed = [], pending = images.length;
          function finish() {
            document.body.setAttribute("data-report-check", failed.length ? "failed: " + failed.join(", ") : "ok");
            if (failed.length) console.error("report.html: drawings the browser could not show: " + failed.join(", "));
          }
          function check(img) {
            if (!(img.naturalWidth > 0)) { failed.push(img.alt); img.insertAdjacentText("afterend", " (this drawing could not be shown)"); }
            if (--pending === 0) finish();
          }
          if (pending === 0) { finish(); return; }
          images.forEach(function (img) {
            if (img.complete) { check(img); return; }
            img.addEventListener("load", function () { check(img); });
            img.addEventListener("error", function () { check(img); });
          });
        })();
        """;

    /// <summary>The page.</summary>
    public static string Render(RunReport r)
    {
        var sections = new List<(string Id, string Title, string Body)>();
        if (r.NextCommand is { } next)
            sections.Add(("next", "Next command", (r.NextCommandNote is { } note ? P(note, "note") : "") + $"<pre><code>{E(next)}</code></pre>"));
        if (r.Facts.Count > 0)
            sections.Add(("summary", "Summary", Table(new ReportTable(["", ""], [.. r.Facts.Select(f => (IReadOnlyList<string>)[f.Label, f.Value])]), header: false)));
        if (r.Drawings.Count > 0) sections.Add(("drawings", "Drawings", Figures(r.Drawings, inline: false)));
        if (r.Curves.Count > 0) sections.Add(("curves", "Per-epoch curves", Figures(r.Curves, inline: true)));
        if (r.Top is { } top)
            sections.Add(("top", "Top architectures", P("The policy's best derive candidates, scored with the shared weights on the same validation batches.", "note") + Table(top, monoColumn: 1)));
        if (r.PolicyVsUniform is { } policy)
            sections.Add(("policy", "Policy vs uniform sampling", Table(policy) + (r.PolicyVerdict is { } v ? P(v) : "")));
        if (r.RankCheck is { } rank) sections.Add(("rank", "Rank check", Table(rank)));
        if (r.Comparison is { } comparison)
            sections.Add(("comparison", "Comparison (trained from scratch)", Table(comparison, monoColumn: 1) +
                (r.ComparisonSummary is { } s ? $"<pre class=\"text\">{E(s)}</pre>" : "")));
        sections.Add(("settings", "Settings (config.json)", Table(r.Settings, monoColumn: 0)));
        if (r.Problems.Count > 0)
            sections.Add(("problems", "Files that could not be read", string.Concat(r.Problems.Select(p => P(p, "problem")))));

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<title>{E(r.Title)} - {E(Path.GetFileName(r.Folder))}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n")
            .Append($"<header><h1>{E(r.Title)}</h1><p>{E(r.Folder)}</p>")
            .Append($"<p class=\"{(r.Running ? "running" : "done")}\">{E(r.Status)}{(r.Running ? " (this page is rewritten after every epoch: reload it)" : "")}</p>")
            .Append($"<p>report written {E(r.Generated.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))} UTC</p></header>\n");
        html.Append("<nav>").Append(string.Concat(sections.Select(s => $"<a href=\"#{s.Id}\">{E(s.Title)}</a>"))).Append("</nav>\n<main>\n");
        foreach (var (id, title, body) in sections)
            html.Append($"<section id=\"{id}\"><h2>{E(title)}</h2>\n{body}\n</section>\n");
        html.Append("</main>\n<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>HTML-escapes <paramref name="text"/> (&amp;, &lt;, &gt;, quotes) for text and quoted attributes.</summary>
    public static string E(string text) => WebUtility.HtmlEncode(text);

    private static string P(string text, string? cssClass = null) =>
        cssClass is null ? $"<p>{E(text)}</p>" : $"<p class=\"{cssClass}\">{E(text)}</p>";

    private static string Table(ReportTable t, bool header = true, int monoColumn = -1)
    {
        var sb = new StringBuilder("<table>");
        if (header) sb.Append("<tr>").Append(string.Concat(t.Header.Select(h => $"<th>{E(h)}</th>"))).Append("</tr>");
        foreach (var row in t.Rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
                sb.Append(!header && i == 0 ? $"<th>{E(row[i])}</th>" : i == monoColumn ? $"<td class=\"mono\">{E(row[i])}</td>" : $"<td>{E(row[i])}</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    /// <summary>Curves (our own SVG, inline) or drawings from the run folder (as data URIs: their markup stays out of
    /// the page's).</summary>
    private static string Figures(IReadOnlyList<ReportFigure> figures, bool inline)
    {
        var sb = new StringBuilder("<div class=\"figures\">");
        foreach (var f in figures)
        {
            string caption = f.File is { } file ? $"{f.Caption} ({file})" : f.Caption;
            string picture = inline
                ? StripDeclaration(f.Svg)
                : $"<img class=\"drawing\" alt=\"{E(f.Caption)}\" src=\"data:image/svg+xml;base64,{Convert.ToBase64String(Encoding.UTF8.GetBytes(f.Svg))}\">";
            // A curve's title is drawn in it; a drawing is captioned with its name and file.
            sb.Append(inline ? $"<figure>{picture}</figure>" : $"<figure>{picture}<figcaption>{E(caption)}</figcaption></figure>");
        }
        return sb.Append("</div>").ToString();
    }

    /// <summary>An inline SVG without an XML declaration (HTML has none).</summary>
    private static string StripDeclaration(string svg)
    {
        string s = svg.TrimStart();
        return s.StartsWith("<?xml", StringComparison.Ordinal) ? s[(s.IndexOf("?>", StringComparison.Ordinal) + 2)..] : s;
    }
}
