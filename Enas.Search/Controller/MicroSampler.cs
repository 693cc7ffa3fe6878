using Enas.Search.Spaces;

namespace Enas.Search.Controller;

/// <summary>
/// Micro decisions: for each cell (normal, then reduction, continuing from the normal cell's final LSTM state) and
/// each node, two inputs by attention over the anchors (the two cell inputs, with zero values, then the earlier
/// nodes), then two ops from the op head (with the vocabulary's op prior on the normal cell when
/// <see cref="ControllerOptions.OpPrior"/>). Tokens per node: <c>in1 op1 in2 op2</c>.
/// </summary>
internal sealed class MicroSampler(MicroSpace space, ControllerOptions options) : IPolicySampler
{
    /// <inheritdoc />
    public ControllerSample Sample(PolicyRun run)
    {
        SampleCell(run, normal: true);
        SampleCell(run, normal: false);
        return run.Finish(space.Name);
    }

    private void SampleCell(PolicyRun run, bool normal)
    {
        var network = run.Network;
        var anchors = new AnchorAttention(network.Attention);
        var inputs = (Engine.Tensor)network.StartInput;
        for (int i = 0; i < 2; i++) anchors.Add(network.Zeros(), run.Step(inputs));
        var prior = normal && options.OpPrior ? network.Vocabulary.OpPrior.AsSpan() : default;
        Span<int> chosen = stackalloc int[4];
        for (int k = 0; k < space.Nodes; k++)
        {
            for (int slot = 0; slot < 2; slot++)
            {
                var h = run.Step(inputs);
                chosen[2 * slot] = run.Choose(anchors.Logits(h), run.Tanh);
                inputs = anchors[chosen[2 * slot]];
            }
            for (int slot = 0; slot < 2; slot++)
            {
                var h = run.Step(inputs);
                chosen[2 * slot + 1] = run.Choose(network.OpLogits(h), run.OpTanh, prior);
                inputs = network.Embed(chosen[2 * slot + 1]);
            }
            run.Emit(chosen);
            var node = run.Step(inputs);
            anchors.Add(node, node);
            inputs = network.StartInput;
        }
    }
}
