namespace Enas.Search.Reporting.Report;

/// <summary>A table of text cells (the renderer escapes every cell).</summary>
/// <param name="Header">Column titles.</param>
/// <param name="Rows">Rows, each as long as <paramref name="Header"/>.</param>
public sealed record ReportTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A picture of the report: an SVG document and its caption.</summary>
/// <param name="Caption">What it shows (escaped by the renderer).</param>
/// <param name="Svg">The SVG document. Curves are drawn by <see cref="SvgLinePlot"/> and inlined; drawings read from
/// the run folder are embedded as images (data URIs), so their markup never mixes with the page's.</param>
/// <param name="File">The file in the run folder it comes from (null: drawn for the report).</param>
public sealed record ReportFigure(string Caption, string Svg, string? File = null);

/// <summary>
/// What <c>report.html</c> shows of a run folder, gathered from its files by <see cref="RunReportReader"/> and
/// written by <see cref="RunReportHtml"/>. Every text is plain (not markup).
/// </summary>
public sealed record RunReport
{
    /// <summary>"ENAS micro search", "training from scratch", ...</summary>
    public string Title { get; init; } = "";

    /// <summary>The run folder (absolute).</summary>
    public string Folder { get; init; } = "";

    /// <summary>Finished, or how far it got.</summary>
    public string Status { get; init; } = "";

    /// <summary>True while the run has not written its final outputs.</summary>
    public bool Running { get; init; }

    /// <summary>The exact command to run next (retrain, evaluate or resume), when there is one.</summary>
    public string? NextCommand { get; init; }

    /// <summary>What <see cref="NextCommand"/> does.</summary>
    public string? NextCommandNote { get; init; }

    /// <summary>Headline facts: best architecture, scores, total time, data.</summary>
    public IReadOnlyList<(string Label, string Value)> Facts { get; init; } = [];

    /// <summary>Per-epoch curves.</summary>
    public IReadOnlyList<ReportFigure> Curves { get; init; } = [];

    /// <summary>The cell or network drawings of the run folder.</summary>
    public IReadOnlyList<ReportFigure> Drawings { get; init; } = [];

    /// <summary>The top derived architectures with their shared-weight scores.</summary>
    public ReportTable? Top { get; init; }

    /// <summary>The policy's samples against uniform ones (derive).</summary>
    public ReportTable? PolicyVsUniform { get; init; }

    /// <summary>One line on what <see cref="PolicyVsUniform"/> says.</summary>
    public string? PolicyVerdict { get; init; }

    /// <summary>The rank check's result.</summary>
    public ReportTable? RankCheck { get; init; }

    /// <summary>The comparison's models (comparison.json).</summary>
    public ReportTable? Comparison { get; init; }

    /// <summary>The comparison's per-role and paired summaries (from comparison.txt).</summary>
    public string? ComparisonSummary { get; init; }

    /// <summary>The classes of the data (classes.json).</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>The resolved settings (config.json, flattened: "retrain.epochs").</summary>
    public ReportTable Settings { get; init; } = new(["setting", "value"], []);

    /// <summary>Files of the folder that could not be read, and why.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>When the report was made (UTC).</summary>
    public DateTime Generated { get; init; }
}
