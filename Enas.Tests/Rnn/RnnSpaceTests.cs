using Enas.Search.Spaces;

namespace Enas.Tests.Rnn;

public class RnnSpaceTests
{
    [Fact]
    public void DecisionsFollowTheTfEncoding()
    {
        var s = new RnnSpace(4);
        Assert.Equal(7, s.Decisions.Count);
        Assert.Equal(("node 0 activation", 4), (s.Decisions[0].Label, s.Decisions[0].NumChoices));
        Assert.Equal((DecisionKind.InputIndex, 3), (s.Decisions[5].Kind, s.Decisions[5].NumChoices));
        Assert.Equal(23, new RnnSpace().Decisions.Count);
    }

    [Fact]
    public void TfFinalArcLoadsAndDecodes()
    {
        var s = new RnnSpace(12);
        var a = Architecture.ParseOfficial(s, RnnSpace.PublishedTfFinal);
        var cell = s.Decode(a);
        Assert.Equal(new RnnNode(-1, RnnActivation.Tanh), cell.Nodes[0]);
        Assert.Equal(new RnnNode(1, RnnActivation.Relu), cell.Nodes[2]);
        Assert.Equal(new RnnNode(5, RnnActivation.Relu), cell.Nodes[6]);
        // read: 0,1,2,5,6,8 -> loose ends 3,4,7,9,10,11
        Assert.Equal("3 4 7 9 10 11", string.Join(" ", cell.LooseEnds));
        Assert.Equal(RnnSpace.PublishedTfFinal, a.ToOfficialString());
        var d = s.Describe(a);
        Assert.Contains("node 0: tanh(x_t, h_{t-1})", d);
        Assert.Contains("node 6: relu(node 5)", d);
        Assert.Contains("h_t = mean(node 3, node 4, node 7, node 9, node 10, node 11)", d);
    }

    [Fact]
    public void EnasLmArcConvertsActivationOrderAndRoundTrips()
    {
        var (s, a) = RnnSpace.ParseEnasLm(RnnSpace.PublishedEnasLm);
        Assert.Equal(9, s.Nodes);
        var cell = s.Decode(a);
        Assert.Equal(RnnActivation.Tanh, cell.Nodes[0].Activation);
        Assert.Equal(new RnnNode(0, RnnActivation.Sigmoid), cell.Nodes[1]);   // enas_lm func 2 = sigmoid
        Assert.Equal(new RnnNode(1, RnnActivation.Tanh), cell.Nodes[2]);
        Assert.Equal(new RnnNode(2, RnnActivation.Relu), cell.Nodes[3]);
        Assert.Equal(new RnnNode(6, RnnActivation.Sigmoid), cell.Nodes[8]);
        Assert.Equal("0 0 3 1 0 2 1 2 3 4 0 5 0 3 3 6 3", a.ToOfficialString());
        Assert.Equal(RnnSpace.PublishedEnasLm, s.ToEnasLm(a));
        Assert.Equal("7 8", string.Join(" ", cell.LooseEnds));
        var all = Architecture.ParseOfficial(s, "0 0 2 1 1 2 2 3 3 4 0 5 1 6 2 7 3");
        Assert.Equal("0 3 1 1 2 3 3 2 4 0 5 1 6 3 7 2", s.ToEnasLm(all));
        Assert.Equal(all, RnnSpace.ParseEnasLm(s.ToEnasLm(all)).Architecture);
    }

    [Fact]
    public void InvalidArcsNamePositionValueAndRange()
    {
        var s = new RnnSpace(3);
        var e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(s, "0 0 1 2 1"));
        Assert.Equal(3, e.Position);
        Assert.Contains("token 3 (node 2 input) is 2; allowed 0..1", e.Message);
        e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(s, "4 0 1 1 1"));
        Assert.Contains("token 0 (node 0 activation) is 4; allowed 0..3", e.Message);
        e = Assert.Throws<InvalidArchitectureException>(() => Architecture.ParseOfficial(s, "0 0 1"));
        Assert.Contains("has 3 tokens; this space needs 5", e.Message);
        e = Assert.Throws<InvalidArchitectureException>(() => RnnSpace.ParseEnasLm("0 2 2 1"));
        Assert.Contains("token 2 (node 2 input) is 2; allowed 0..1", e.Message);
        e = Assert.Throws<InvalidArchitectureException>(() => RnnSpace.ParseEnasLm("0 4"));
        Assert.Contains("function) is 4", e.Message);
        Assert.Throws<InvalidArchitectureException>(() => RnnSpace.ParseEnasLm("0 2 1"));
        var sig = Architecture.ParseOfficial(s, "3 0 0 1 0");
        Assert.Throws<InvalidArchitectureException>(() => s.ToEnasLm(sig));
    }

    [Fact]
    public void JsonRoundTripThroughTheSharedSerializer()
    {
        var s = new RnnSpace(12);
        var a = Architecture.ParseOfficial(s, RnnSpace.PublishedTfFinal);
        var json = ArchitectureJson.Serialize(s, a);
        var (s2, a2) = ArchitectureJson.Deserialize(json);
        Assert.Equal(a, a2);
        Assert.Equal(12, ((RnnSpace)s2).Nodes);
    }
}
