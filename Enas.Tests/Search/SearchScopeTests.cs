using System.CommandLine;
using Enas.Search.Cli;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>
/// Each root flag says once which search reads it (<see cref="SearchScope"/>): every flag declared for one search is
/// refused by the other by name, exit 2, before data is read or a folder made, and the help lists it under its search.
/// </summary>
public sealed class SearchScopeTests(ITestOutputHelper output)
{
    private static string[] Given(Option option) => option switch
    {
        Option<bool> => [option.Name],
        Option<int?> => [option.Name, "1"],
        Option<double?> => [option.Name, "0.5"],
        _ => [option.Name, "x"],
    };

    [Fact]
    public void EveryFlagDeclaredForOneSearchIsRefusedByTheOther()
    {
        using var dir = new TempFolder();
        string outDir = dir["out"];
        var cnn = new SearchCliOptions().CnnOnly();
        var recurrent = SearchScope.Only(new RnnCliOptions().All(), SearchKind.Recurrent);
        Assert.Contains(cnn, o => o.Name == "--cells");
        Assert.Equal(new RnnCliOptions().All().Count(), recurrent.Count);
        foreach (var option in cnn)
        {
            var (code, _, err) = CliRun.Run(output, ["--space", "rnn", "--data", dir.Path, "--out", outDir, .. Given(option)]);
            Assert.Equal(CliApp.UsageError, code);
            Assert.Contains($"{option.Name} is for the CNN search", err);
        }
        // --cell and --baseline choose the recurrent search themselves
        foreach (var option in recurrent.Where(o => o.Name is not ("--cell" or "--baseline")))
        {
            var (code, _, err) = CliRun.Run(output, ["--space", "micro", "--data", dir.Path, "--out", outDir, .. Given(option)]);
            Assert.Equal(CliApp.UsageError, code);
            Assert.Contains($"{option.Name} is for the recurrent search (--space rnn)", err);
        }
        Assert.False(Directory.Exists(outDir));
        var (_, help, _) = CliRun.Run(null, "--help");
        int cnnHeading = help.IndexOf("CNN search (--space micro or macro):", StringComparison.Ordinal);
        int rnnHeading = help.IndexOf("Recurrent search (--space rnn", StringComparison.Ordinal);
        Assert.True(cnnHeading > 0 && rnnHeading > cnnHeading);
        foreach (var option in cnn) Assert.InRange(help.IndexOf($"  {option.Name} ", cnnHeading, StringComparison.Ordinal), cnnHeading, rnnHeading);
        foreach (var option in recurrent) Assert.True(help.IndexOf($"  {option.Name} ", rnnHeading, StringComparison.Ordinal) > rnnHeading, option.Name);
    }
}
