using Enas.Search.Controller;
using Enas.Search.Network.Recurrent;
using Enas.Search.Spaces;

namespace Enas.Search.Tasks;

/// <summary>
/// Settings of a recurrent-cell search and of retraining. The defaults are sized for a 2-core CPU on mini-PTB; the
/// paper's schedule (SGD lr 20, ×0.96 per epoch from epoch 15, clip 0.25, BPTT 35, reward 80/ppl) is kept as is.
/// </summary>
public sealed record RnnSearchOptions
{
    /// <summary>Cell nodes N (12 in the paper).</summary>
    public int Nodes { get; init; } = 12;

    /// <summary>Embedding = hidden size (tied softmax).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Parallel token streams per batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Truncated-BPTT window.</summary>
    public int Bptt { get; init; } = 35;

    /// <summary>Search epochs (one pass over the training stream each, or <see cref="MaxWindowsPerEpoch"/>).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Caps the shared-training windows per epoch (the epy code uses 400 steps per epoch).</summary>
    public int MaxWindowsPerEpoch { get; init; } = int.MaxValue;

    /// <summary>Initial SGD learning rate (20).</summary>
    public double LearningRate { get; init; } = 20;

    /// <summary>Per-epoch decay factor (0.96) from <see cref="DecayStart"/>.</summary>
    public double LrDecay { get; init; } = 0.96;

    /// <summary>First epoch of decay (15).</summary>
    public int DecayStart { get; init; } = 15;

    /// <summary>Global gradient-norm clip (0.25).</summary>
    public double GradClip { get; init; } = 0.25;

    /// <summary>L2 weight decay in SGD (1e-7 as the epy search).</summary>
    public double WeightDecay { get; init; } = 1e-7;

    /// <summary>Uniform initialisation range of the (tied) embedding (0.025 for search in epy; 0.04 otherwise).</summary>
    public double InitRange { get; init; } = 0.04;

    /// <summary>
    /// Uniform initialisation range of the recurrent weights (ENAS cell edges, LSTM W_ih/W_hh/bias); null means
    /// 1/√H. That is the paper's 0.025-0.04 at H = 1000, and keeps a deep highway chain's signal alive at small H:
    /// with 0.04 at H = 64 each node's candidate is ~0 and its gate ~½, so a k-node chain starts at 2^−k of its input.
    /// </summary>
    public double? CellInitRange { get; init; }

    /// <summary>The recurrent weights' range in use: <see cref="CellInitRange"/> or 1/√H.</summary>
    public double EffectiveCellInitRange => CellInitRange ?? 1 / Math.Sqrt(Hidden);

    /// <summary>Cap on the norm of each row of the ENAS cell's hidden state after every step (25, as ENAS-pytorch;
    /// 0 turns it off). Keeps identity/ReLU chains from overflowing.</summary>
    public double MaxHiddenNorm { get; init; } = HiddenNormClip.DefaultMaxNorm;

    /// <summary>Which nodes the cell output averages: the loose ends (paper, default) or all nodes (enas_lm's GPU code).</summary>
    public RnnCellOutput CellOutput { get; init; } = RnnCellOutput.LooseEnds;

    /// <summary>Fix node 0's activation to tanh instead of searching it (enas_lm; <c>--first-node-tanh</c>).</summary>
    public bool FirstNodeTanh { get; init; }

    /// <summary>Dropouts.</summary>
    public LmDropout Dropout { get; init; } = new();

    /// <summary>"lstm" (REINFORCE) or "random".</summary>
    public string Controller { get; init; } = "lstm";

    /// <summary>Controller settings (hidden 100 etc.).</summary>
    public ControllerOptions ControllerSettings { get; init; } = RnnController.DefaultOptions;

    /// <summary>Controller samples (and, with <see cref="ControllerAggregate"/> 1, updates) per epoch; each costs one
    /// validation window's forward pass.</summary>
    public int ControllerSteps { get; init; } = 100;

    /// <summary>Samples whose gradients are averaged per controller update.</summary>
    public int ControllerAggregate { get; init; } = 1;

    /// <summary>
    /// Validation windows every controller sample is scored on: 0 draws one random window per sample (the official
    /// code); n &gt; 0 uses the same n windows, evenly spaced over the validation stream, for every sample (default 2).
    /// Perplexity differs more between windows than between cells, so a random window per sample buries the signal
    /// the baseline is meant to expose; fixed windows remove that noise at n forward passes per sample.
    /// </summary>
    public int RewardWindows { get; init; } = 2;

    /// <summary>Reward constant c in c / validation perplexity (80).</summary>
    public double RewardConstant { get; init; } = 80;

    /// <summary>Architectures sampled and scored at derive time.</summary>
    public int DeriveSamples { get; init; } = 20;

    /// <summary>Validation windows each derive candidate is scored on (the same ones for all).</summary>
    public int DeriveWindows { get; init; } = 4;

    /// <summary>
    /// Derive by short training (<c>--derive-train K</c>): the K best candidates by shared-weight perplexity are each
    /// trained from scratch for <see cref="DeriveTrainEpochs"/> epochs and the one with the lowest validation
    /// perplexity is kept. 0 (default) keeps the shared-weight ranking, as ENAS does.
    /// </summary>
    public int DeriveTrainTop { get; init; }

    /// <summary>Epochs of each derive-by-training trial (<c>--derive-train-epochs</c>, default 3).</summary>
    public int DeriveTrainEpochs { get; init; } = 3;

    /// <summary>Random seed.</summary>
    public ulong Seed { get; init; } = 1;
}
