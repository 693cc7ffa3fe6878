using System.Diagnostics;
using Enas.Search.Reporting;
using Enas.Tests.Infrastructure;
using StbImageSharp;
using Xunit.Abstractions;

namespace Enas.Tests.Reporting;

/// <summary>Skips (with the reason shown) when Debian's Chromium is not installed; .ci/run installs it.</summary>
public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public RequiresChromiumFactAttribute()
    {
        if (HeadlessChromium.Path is null)
            Skip = "Chromium is not installed (apt-get install -y chromium; .ci/run installs it): the report's browser check needs it";
    }
}

/// <summary>Runs Debian's Chromium headless on a page (own profile folder, no sandbox: CI runs as root).</summary>
public static class HeadlessChromium
{
    /// <summary>The browser, or null when none is installed.</summary>
    public static string? Path { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    /// <summary>Runs the browser with <paramref name="args"/> on <paramref name="page"/>; its exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(string page, string profile, params string[] args)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
                     "--hide-scrollbars", $"--user-data-dir={profile}" }.Concat(args))
            start.ArgumentList.Add(a);
        start.ArgumentList.Add(new Uri(page).AbsoluteUri);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish on {page} within 120 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>report.html of a real tiny search in a real headless browser: no console message, and the drawings show.</summary>
public sealed class ReportInBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The node fills of the cell drawings (inputs, computed nodes, output): only the drawings use them.</summary>
    private static readonly (string Name, byte R, byte G, byte B)[] DrawingColours =
        [("input node #cde4ff", 0xcd, 0xe4, 0xff), ("computed node #fff2c6", 0xff, 0xf2, 0xc6), ("output node #d7f5d0", 0xd7, 0xf5, 0xd0)];

    [RequiresChromiumFact]
    public void TheReportOfARealRunRendersWithoutConsoleMessagesAndShowsTheDrawings()
    {
        string data = TinyFolderRun.MakeData(_dir.Path), run = _dir["run"];
        var (code, _, stderr) = CliRun.Run(output, TinyFolderRun.SearchArgs(data, run));
        Assert.True(code == 0, stderr);
        string page = Path.Combine(run, RunFolder.ReportFile);

        // Console messages (errors, uncaught exceptions, the page's own check) are logged as ":CONSOLE" lines.
        var dom = HeadlessChromium.Run(page, _dir["profile1"], "--enable-logging=stderr", "--v=0", "--dump-dom");
        Assert.True(dom.Code == 0, $"chromium exit {dom.Code}: {dom.Err}");
        var console = dom.Err.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        Assert.True(console.Count == 0, "console messages:\n" + string.Join('\n', console));
        Assert.Contains("data-report-check=\"ok\"", dom.Out); // the script ran to its end and every drawing decoded
        Assert.Contains("<section id=\"drawings\">", dom.Out);

        string shot = _dir["report.png"];
        var screenshot = HeadlessChromium.Run(page, _dir["profile2"], $"--screenshot={shot}", "--window-size=1280,2200");
        Assert.True(screenshot.Code == 0 && File.Exists(shot), $"no screenshot (exit {screenshot.Code}): {screenshot.Err}");
        var image = ImageResult.FromMemory(File.ReadAllBytes(shot), ColorComponents.RedGreenBlue);
        Assert.Equal((1280, 2200), (image.Width, image.Height));
        var counts = DrawingColours.Select(c => Count(image, c.R, c.G, c.B)).ToList();
        output.WriteLine(string.Join(", ", DrawingColours.Zip(counts, (c, n) => $"{c.Name}: {n} px")));
        for (int i = 0; i < counts.Count; i++)
            Assert.True(counts[i] >= 300, $"the screenshot shows {counts[i]} pixels of the drawings' {DrawingColours[i].Name}");
        int distinct = Enumerable.Range(0, image.Width * image.Height)
            .Select(p => (image.Data[p * 3] << 16) | (image.Data[p * 3 + 1] << 8) | image.Data[p * 3 + 2]).Distinct().Count();
        Assert.True(distinct > 100, $"the screenshot has only {distinct} colours");
    }

    /// <summary>Pixels within 3 of (r, g, b) in every channel.</summary>
    private static int Count(ImageResult image, byte r, byte g, byte b)
    {
        int n = 0;
        for (int p = 0; p < image.Width * image.Height; p++)
            if (Math.Abs(image.Data[p * 3] - r) <= 3 && Math.Abs(image.Data[p * 3 + 1] - g) <= 3 && Math.Abs(image.Data[p * 3 + 2] - b) <= 3) n++;
        return n;
    }
}
