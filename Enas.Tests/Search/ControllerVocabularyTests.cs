using System.Collections.Immutable;
using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Tests.Search;

public class ControllerVocabularyTests
{
    [Fact]
    public void SpacesGiveTheOfficialOpBiasAndPrior()
    {
        var micro = new MicroSpace(2).Vocabulary;
        Assert.Equal(5, micro.OpCount);
        Assert.Equal(new[] { 10f, 10f, 0f, 0f, 0f }, micro.OpBias.ToArray());
        Assert.Equal(new[] { 0.25f, 0.25f, -0.25f, -0.25f, -0.25f }, micro.OpPrior.ToArray());
        var macro = new MacroSpace(3).Vocabulary;
        Assert.Equal(6, macro.OpCount);
        Assert.True(macro.OpBias.IsEmpty && macro.OpPrior.IsEmpty);
        var rnn = new RnnSpace(3).Vocabulary;
        Assert.Equal(RnnActivations.Count, rnn.OpCount);
        Assert.True(rnn.OpBias.IsEmpty && rnn.OpPrior.IsEmpty);
    }

    /// <summary>A sixth op in the list sizes the embedding, the head, the bias and the prior: nothing in the controller
    /// names the op count.</summary>
    [Fact]
    public void ASixthOpNeedsNoControllerEdit()
    {
        ImmutableArray<OpKind> ops = [.. MicroSpace.Ops, OpKind.Conv3x3];
        using var network = new PolicyNetwork(ControllerVocabulary.WithBiasAndPrior(ops), 8, 4);
        Assert.Equal([1, 6], network.Parameters.Single(p => p.Name == "controller.b_soft").Shape.ToArray());
        var space = new MicroSpace(2);
        var options = new ControllerOptions { Hidden = 8 };
        var sampler = new MicroSampler(space, options);
        var rng = new XoshiroRandom(5);
        var seen = new HashSet<int>();
        using var scope = TensorScope.Begin();
        using var noGrad = Tape.NoGrad();
        for (int i = 0; i < 30; i++)
        {
            var tokens = sampler.Sample(new PolicyRun(network, options, rng, greedy: false)).Architecture.Tokens;
            for (int t = 0; t < tokens.Length; t++)
                if (space.Decisions[t].Kind == DecisionKind.Op) seen.Add(tokens[t]);
        }
        Assert.Equal(Enumerable.Range(0, 6), seen.Order());
    }
}
