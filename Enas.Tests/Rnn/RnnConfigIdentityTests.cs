using Enas.Search.Spaces;
using Enas.Search.Tasks;

namespace Enas.Tests.Rnn;

public class RnnConfigIdentityTests
{
    private static readonly RnnSearchOptions Run = new() { Hidden = 32, DeriveSamples = 100, CellOutput = RnnCellOutput.AllNodes };

    [Fact]
    public void SameTrainingOptionsResumeWhateverDeriveUses()
    {
        string stored = RnnConfigIdentity.Of(Run);
        Assert.Empty(RnnConfigIdentity.Differences(stored, Run));
        Assert.Empty(RnnConfigIdentity.Differences(stored,
            Run with { DeriveSamples = 5, DeriveWindows = 9, DeriveTrainTop = 4, DeriveTrainEpochs = 2 }));
    }

    [Fact]
    public void TrainingDifferencesAreNamedIncludingNestedOnes()
    {
        string stored = RnnConfigIdentity.Of(Run);
        var d = RnnConfigIdentity.Differences(stored, Run with { Hidden = 64, Dropout = Run.Dropout with { Hidden = 0.3 } });
        Assert.Equal(2, d.Count); // named by flag; the cell init range that follows from --hidden is no second difference
        Assert.Contains("--hidden: checkpoint 32, now 64", d);
        Assert.Contains("Dropout.Hidden (a setting without a flag): checkpoint 0.25, now 0.3", d);
        Assert.DoesNotContain(d, x => x.Contains("EffectiveCellInitRange", StringComparison.Ordinal));
        Assert.Single(RnnConfigIdentity.Differences(stored, Run with { CellInitRange = 0.04 }),
            x => x.StartsWith("CellInitRange (a setting without a flag): checkpoint (not set), now 0.04", StringComparison.Ordinal));
    }

    [Fact]
    public void OptionsNewerThanTheCheckpointMustKeepTheirDefault()
    {
        // a checkpoint of a version without FirstNodeTanh: that version behaved as the default (false)
        string stored = RnnConfigIdentity.Of(Run).Replace("FirstNodeTanh = False, ", "", StringComparison.Ordinal);
        Assert.DoesNotContain("FirstNodeTanh", stored);
        Assert.Empty(RnnConfigIdentity.Differences(stored, Run));
        var d = Assert.Single(RnnConfigIdentity.Differences(stored, Run with { FirstNodeTanh = true }));
        Assert.Contains("--first-node-tanh: not in the checkpoint", d);
        // also inside a nested record (the controller settings)
        string nested = RnnConfigIdentity.Of(Run).Replace(", PairedReward = False", "", StringComparison.Ordinal);
        Assert.DoesNotContain("PairedReward", nested);
        Assert.Empty(RnnConfigIdentity.Differences(nested, Run));
        Assert.Contains("ControllerSettings.PairedReward (a setting without a flag): not in the checkpoint", Assert.Single(RnnConfigIdentity.Differences(nested,
            Run with { ControllerSettings = Run.ControllerSettings with { PairedReward = true } })));
        // an option this version does not know is a difference
        string future = RnnConfigIdentity.Of(Run).Replace("Seed = 1 }", "Seed = 1, Warmup = 3 }", StringComparison.Ordinal);
        Assert.Contains("Warmup (a setting without a flag): checkpoint 3, unknown to this version", Assert.Single(RnnConfigIdentity.Differences(future, Run)));
    }
}
