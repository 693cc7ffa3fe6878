using Enas.Search.Cli;
using Enas.Search.Spaces;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

public class RnnCellArgumentTests
{
    [Fact]
    public void PublishedCellsLoadByName()
    {
        var (tf, tfArch) = RnnCellArgument.Resolve("ptb-final", null, firstNodeTanh: false);
        Assert.Equal(12, tf.Nodes);
        Assert.Equal(RnnSpace.PublishedTfFinal, tfArch.ToOfficialString());
        var (lm, lmArch) = RnnCellArgument.Resolve("enas-lm", null, firstNodeTanh: false);
        Assert.Equal(9, lm.Nodes);
        Assert.True(lm.FirstNodeTanh, "enas_lm's space fixes node 0 to tanh, so random cells drawn beside it do too");
        Assert.Equal("0 0 3 1 0 2 1 2 3 4 0 5 0 3 3 6 3", lmArch.ToOfficialString());
        Assert.Equal(lmArch, RnnCellArgument.Resolve(" enas-lm:" + RnnSpace.PublishedEnasLm + " ", 9, false).Architecture);
    }

    [Fact]
    public void NodeCountFollowsTheArcAndMustAgreeWithNodes()
    {
        var (s, a) = RnnCellArgument.Resolve("0 0 1 1 3", null, firstNodeTanh: false);
        Assert.Equal(3, s.Nodes);
        Assert.False(s.FirstNodeTanh);
        Assert.Equal("0 0 1 1 3", a.ToOfficialString());
        Assert.True(RnnCellArgument.Resolve("0 0 1 1 3", 3, firstNodeTanh: true).Space.FirstNodeTanh);
        var e = Assert.Throws<CliException>(() => RnnCellArgument.Resolve("0 0 1 1 3", 4, false));
        Assert.Contains("has 3 nodes but --nodes says 4", e.Message);
        e = Assert.Throws<CliException>(() => RnnCellArgument.Resolve("enas-lm", 12, false));
        Assert.Contains("has 9 nodes but --nodes says 12", e.Message);
    }

    [Fact]
    public void BadValuesNameTheProblem()
    {
        var e = Assert.Throws<CliException>(() => RnnCellArgument.Resolve("0 0 1 1", null, false));
        Assert.Contains("4 tokens", e.Message);
        Assert.Contains("enas-lm:TOKENS", e.Message);
        e = Assert.Throws<CliException>(() => RnnCellArgument.Resolve("lstm", null, false));
        Assert.Contains("'ptb-final', 'enas-lm'", e.Message);
        var arc = Assert.Throws<InvalidArchitectureException>(() => RnnCellArgument.Resolve("0 0 1 2 1", null, false));
        Assert.Contains("token 3 (node 2 input) is 2", arc.Message);
        arc = Assert.Throws<InvalidArchitectureException>(() => RnnCellArgument.Resolve("3 0 1 1 1", null, firstNodeTanh: true));
        Assert.Contains("token 0 (node 0 activation) is 3; allowed 0..0", arc.Message);
        Assert.Throws<InvalidArchitectureException>(() => RnnCellArgument.Resolve("enas-lm:0 4", null, false));
    }

    [Fact]
    public void CliRejectsABadCellBeforeWritingAnything()
    {
        using var dir = new TempFolder();
        var stderr = new StringWriter();
        int code = CliApp.Run(["--space", "rnn", "--cell", "0 0 1 1", "--data", dir.Path, "--out", dir["run"]],
            new StringWriter(), stderr, live: false);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--cell has 4 tokens", stderr.ToString());
        Assert.False(Directory.Exists(dir["run"]), "no run folder for a rejected cell");
    }
}
