using Enas.Search.Spaces;

namespace Enas.Search.Controller;

/// <summary>
/// Recurrent-cell decisions. Node 0: an activation from the op head (none when the space fixes it to tanh). Node i:
/// the input by attention over the anchors (the LSTM outputs at earlier nodes' activation decisions) with the official
/// recency prior −(i − j)²/6 on node j's logit, then the activation; the chosen anchor, then the activation's
/// embedding, feed the next LSTM step. Tokens: the official TF <c>ptb</c> encoding.
/// </summary>
internal sealed class RnnSampler(RnnSpace space) : IPolicySampler
{
    /// <inheritdoc />
    public ControllerSample Sample(PolicyRun run)
    {
        var network = run.Network;
        var anchors = new AnchorAttention(network.Attention);
        var inputs = (Engine.Tensor)network.StartInput;
        for (int i = 0; i < space.Nodes; i++)
        {
            if (i > 0)
            {
                var prior = new float[i];
                for (int j = 0; j < i; j++) prior[j] = -(float)((i - j) * (i - j) / 6.0);
                int prev = run.Choose(anchors.Logits(run.Step(inputs)), run.Tanh, prior);
                run.Emit(prev);
                inputs = anchors[prev];
            }
            var h = run.Step(inputs);
            // a space with node 0 fixed to tanh leaves nothing to decide there
            int act = i > 0 || !space.FirstNodeTanh ? run.Choose(network.OpLogits(h), run.OpTanh) : 0;
            run.Emit(act);
            anchors.Add(h, h);
            inputs = network.Embed(act);
        }
        return run.Finish(space.Name);
    }
}
