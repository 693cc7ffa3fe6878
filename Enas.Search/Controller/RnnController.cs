using Enas.Search.Spaces;

namespace Enas.Search.Controller;

/// <summary>
/// The ENAS LSTM policy for the recurrent cell space: <see cref="LstmController"/>'s weights (its bias-free LSTM,
/// uniform(±0.1) initialisation; trained by the same <see cref="Reinforce"/>) with <see cref="RnnSampler"/>'s
/// decisions. All four activations are sampled.
/// </summary>
/// <param name="space">The recurrent cell space.</param>
/// <param name="options">Its settings (<see cref="DefaultOptions"/>: hidden 100).</param>
/// <param name="seed">Seed of the weights.</param>
public sealed class RnnController(RnnSpace space, ControllerOptions options, ulong seed)
    : LstmController(space, options, seed)
{
    /// <summary>The official recurrent controller settings (hidden 100, temperature 5, tanh 2.5, Adam lr 1e-3,
    /// entropy weight 1e-3; enas-reference §3), except Adam's ε: 1e-8 (PyTorch's, as ENAS-pytorch) instead of TF's
    /// 1e-3. Rewards 80/ppl are ~0.1-0.3, so REINFORCE gradients are ~1e-4 and an ε of 1e-3 shrank every step tenfold:
    /// measured on mini-PTB, the policy's entropy did not move in 500 updates. The baseline's decay is 0.95 (ENAS-pytorch's
    /// run script): the shared weights improve between controller phases and the reward level moves with them.</summary>
    public static ControllerOptions DefaultOptions { get; } = new()
    {
        Hidden = 100, Temperature = 5.0, TanhConstant = 2.5, OpTanhReduce = 1, LearningRate = 1e-3, AdamEpsilon = 1e-8,
        EntropyWeight = 1e-3, OpPrior = false, BaselineDecay = 0.95,
    };
}
