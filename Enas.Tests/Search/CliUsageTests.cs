using Enas.Search.Cli;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>Parse errors and --help: what a user sees before anything runs.</summary>
public sealed class CliUsageTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("error: --cells expects a whole number, got 'abc'", "see --help", "--cells", "abc")]
    [InlineData("error: --controller-lr expects a number (e.g. 0.05 or 1e-3), got 'fast'", "see --help", "--controller-lr", "fast")]
    [InlineData("error: --seed needs a value: a whole number >= 0", "see --help", "--seed")]
    [InlineData("error: unknown option '--cels' (did you mean --cells?)", "see --help", "--cels", "5")]
    [InlineData("error: eval does not take --epochs (it is an option of the search and train)", "see eval --help", "eval", "--epochs", "3")]
    [InlineData("error: train needs --arch", "see train --help", "train")]
    public void ParseErrorsAreOneLineNamingTheFlagThenAHintAndExit2(string error, string hint, params string[] args)
    {
        var (code, stdout, stderr) = CliRun.Run(output, args);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(error, lines[0]);
        Assert.StartsWith(hint + " ", lines[1]);
        Assert.DoesNotContain("System.", stderr);
    }

    [Fact]
    public void HelpShowsDefaultsAndSeparatesTheSearchesWithoutAnUnmeasuredDuration()
    {
        var (code, help, _) = CliRun.Run(output, "--help");
        Assert.Equal(0, code);
        Assert.DoesNotContain("15 min", help);
        Assert.Contains("prints its expected duration", help);
        int every = help.IndexOf("Options of every search:", StringComparison.Ordinal);
        int cnn = help.IndexOf("CNN search (--space micro or macro):", StringComparison.Ordinal);
        int rnn = help.IndexOf("Recurrent search (--space rnn", StringComparison.Ordinal);
        Assert.True(every >= 0 && cnn > every && rnn > cnn, help);
        int Row(string option) => help.IndexOf($"\n  {option} ", StringComparison.Ordinal);
        Assert.True(Row("--epochs") > every && Row("--epochs") < cnn && Row("--cells") > cnn && Row("--cells") < rnn && Row("--hidden") > rnn, help);
        var rows = OptionRows(help);
        foreach (var option in new[] { "--cells", "--layers", "--channels", "--epochs", "--batch-size", "--dataset", "--device",
                     "--seed", "--train-subset", "--validation-size", "--controller-steps", "--controller-aggregate", "--controller-lr",
                     "--controller-adam-eps", "--lr-max", "--lr-min", "--derive-samples", "--derive-batches", "--reward-batches",
                     "--retrain-epochs", "--retrain-channels", "--retrain-layers", "--nodes", "--hidden", "--bptt", "--reward-windows" })
            Assert.True(rows[option].Contains("[default: "), $"{option}: {rows[option]}");
        Assert.Contains("[default: 5]", rows["--cells"]);
        Assert.Contains("[default: 8; rnn: 10]", rows["--epochs"]);
        Assert.Contains("0.0035 micro, 0.001 macro", rows["--controller-lr"]);
        // The cpu preset's controller (paired rewards on 4 batches, 20 steps, epsilon 1e-8); macro keeps the paper's.
        Assert.Contains("[default: paired; macro: paper]", rows["--controller-reward"]);
        Assert.Contains("[default: 4; macro: 1", rows["--reward-batches"]);
        Assert.Contains("[default: 20; macro: 10; rnn:", rows["--controller-steps"]);
        Assert.Contains("[default: 1e-8; macro: 0.001", rows["--controller-adam-eps"]);
    }

    [Fact]
    public void EvalListsAndTakesOnlyWhatItUses()
    {
        var (code, help, _) = CliRun.Run(output, "eval", "--help");
        Assert.Equal(0, code);
        var rows = OptionRows(help);
        foreach (var unused in new[] { "--epochs", "--cutout", "--train-subset", "--out", "--batch-size", "--seed" })
        {
            Assert.False(rows.ContainsKey(unused), $"eval --help lists {unused}");
            var (refused, _, err) = CliRun.Run(output, "eval", "--arch", "a.json", "--model", "m.ckpt", unused, "1");
            Assert.Equal(CliApp.UsageError, refused);
            Assert.Contains($"eval does not take {unused}", err);
        }
        Assert.Contains("[default: 16]", rows["--channels"]);
        var (_, trainHelp, _) = CliRun.Run(output, "train", "--help");
        Assert.Contains("[default: 14]", OptionRows(trainHelp)["--epochs"]);
        Assert.Contains("[default: 0.9]", OptionRows(trainHelp)["--drop-path-keep"]);
    }

    /// <summary>The text of each option row of a help page, by option name (continuation lines joined).</summary>
    private static Dictionary<string, string> OptionRows(string help)
    {
        var rows = new Dictionary<string, string>();
        string? current = null;
        foreach (var raw in help.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (line.StartsWith("  -", StringComparison.Ordinal))
            {
                current = trimmed.Split(' ', ',')[0];
                rows[current] = trimmed;
            }
            else if (current is not null && line.StartsWith("   ", StringComparison.Ordinal)) rows[current] += " " + trimmed;
            else current = null;
        }
        return rows;
    }
}
