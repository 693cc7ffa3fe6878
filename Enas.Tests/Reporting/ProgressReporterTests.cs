using Enas.Search.Reporting;

namespace Enas.Tests.Reporting;

public sealed class ProgressReporterTests
{
    private sealed class FakeClock
    {
        public TimeSpan Now { get; set; }
    }

    [Fact]
    public void PlainModePrintsPeriodicLinesWithARollingEta()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var progress = new ProgressReporter(output, live: false, plainInterval: TimeSpan.FromSeconds(10), etaWindow: 4,
            clock: () => clock.Now);
        progress.Start("train", 100);
        for (int step = 1; step <= 100; step++)
        {
            clock.Now += TimeSpan.FromSeconds(step <= 50 ? 2 : 1); // speeds up halfway
            progress.Report(step, $"loss {1.0 / step:F3}");
            if (step == 60)
            {
                Assert.Equal(1.0, progress.Rate!.Value, 6); // window holds only the recent fast steps
                Assert.Equal(TimeSpan.FromSeconds(40), progress.Eta);
            }
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain('\r', output.ToString());
        Assert.StartsWith("train 1/100 (1%)", lines[0]);
        Assert.StartsWith("train 100/100 (100%)", lines[^1]);
        Assert.Contains("| loss 0.010", lines[^1]);
        Assert.InRange(lines.Length, 12, 16); // ~150 s of work at one line per 10 s, plus first and last
    }

    [Fact]
    public void LiveModeRedrawsOneLineAndKeepsMessagesIntact()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        using (var progress = new ProgressReporter(output, live: true, clock: () => clock.Now))
        {
            progress.Start("search", 3);
            clock.Now += TimeSpan.FromSeconds(1);
            progress.Report(1);
            progress.Message("epoch 0 done");
            clock.Now += TimeSpan.FromSeconds(1);
            progress.Report(2);
            clock.Now += TimeSpan.FromSeconds(1);
            progress.Report(3);
        }
        string text = output.ToString();
        Assert.Contains("\rsearch 1/3", text);
        Assert.Contains("epoch 0 done" + Environment.NewLine, text);
        Assert.Contains("\rsearch 3/3 (100%) 1/s ETA 0s", text);
        Assert.EndsWith(Environment.NewLine, text);
    }

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(187, "3m 07s")]
    [InlineData(3720, "1h 02m")]
    public void FormatsDurations(int seconds, string expected) =>
        Assert.Equal(expected, ProgressReporter.FormatDuration(TimeSpan.FromSeconds(seconds)));
}
