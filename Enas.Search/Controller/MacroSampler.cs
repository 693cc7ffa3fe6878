using Enas.Engine;
using Enas.Search.Spaces;

namespace Enas.Search.Controller;

/// <summary>
/// Macro decisions: per layer an op from the op head (the full tanh constant, as the official macro controller), then
/// one Bernoulli skip decision per earlier layer from the attention logits [-q, +q] [1, 2]; the next input is the mean
/// of the chosen anchors (zeros when none), and the skip penalty is the mean over layers of
/// KL(sigmoid(logits) ‖ [1-ρ, ρ]).
/// </summary>
internal sealed class MacroSampler(MacroSpace space, ControllerOptions options) : IPolicySampler
{
    /// <inheritdoc />
    public ControllerSample Sample(PolicyRun run)
    {
        var network = run.Network;
        var anchors = new AnchorAttention(network.Attention);
        double rho = options.SkipTarget;
        var logTarget = Tensor.FromArray(new[] { (float)Math.Log(1 - rho), (float)Math.Log(rho) }, new Shape(1, 2));
        var signs = Tensor.FromArray(new[] { -1f, 1f }, new Shape(1, 2));
        Tensor inputs = network.StartInput;
        Tensor? penalty = null;
        for (int i = 0; i < space.Layers; i++)
        {
            int op = run.Choose(network.OpLogits(run.Step(inputs)), run.Tanh);
            run.Emit(op);
            var h = run.Step(network.Embed(op));
            if (i > 0)
            {
                var query = anchors.Query(h);
                Tensor? chosenSum = null, layerKl = null;
                int count = 0;
                for (int j = 0; j < i; j++)
                {
                    var logits = run.Shape(anchors.Score(j, query) * signs, run.Tanh);
                    int skip = run.Decide(logits);
                    run.Emit(skip);
                    var p = logits.Sigmoid();
                    var kl = (p * (p.Log() - logTarget)).Sum();
                    layerKl = layerKl is null ? kl : layerKl + kl;
                    if (skip == 1)
                    {
                        chosenSum = chosenSum is null ? anchors[j] : chosenSum + anchors[j];
                        count++;
                    }
                }
                penalty = penalty is null ? layerKl : penalty + layerKl!;
                inputs = chosenSum is null ? network.Zeros() : chosenSum * (1.0 / (1 + count));
            }
            else inputs = network.StartInput;
            anchors.Add(h, h);
        }
        var meanPenalty = penalty is null ? null : penalty * (1.0 / (space.Layers - 1));
        return run.Finish(space.Name, meanPenalty);
    }
}
