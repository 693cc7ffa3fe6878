using System.CommandLine;
using Enas.Search.Spaces;
using Enas.Search.Tasks;

namespace Enas.Search.Cli;

/// <summary>
/// Options of the recurrent search (<c>--space rnn</c>) and of the plain-LSTM baseline (<c>--baseline lstm</c>) on
/// the root command. Shared flags (--epochs, --batch-size, --data, --seed, --out, --controller, --controller-steps,
/// --derive-samples, --retrain-epochs, --compare, --compare-seeds) are read from the CNN search's options.
/// </summary>
internal sealed class RnnCliOptions
{
    public readonly Option<int?> Nodes = SearchScope.RecurrentOnly(new Option<int?>("--nodes") { Description = "Nodes of the recurrent cell N" });
    public readonly Option<int?> Hidden = SearchScope.RecurrentOnly(new Option<int?>("--hidden") { Description = "Embedding = hidden size" });
    public readonly Option<int?> Bptt = SearchScope.RecurrentOnly(new Option<int?>("--bptt") { Description = "Truncated-BPTT window" });
    public readonly Option<int?> MaxWindows = SearchScope.RecurrentOnly(new Option<int?>("--max-windows") { Description = "Cap on BPTT windows per epoch" });
    public readonly Option<double?> Lr = SearchScope.RecurrentOnly(new Option<double?>("--lr") { Description = "Initial SGD learning rate of the language model, searched and retrained" });
    public readonly Option<double?> GradClip = SearchScope.RecurrentOnly(new Option<double?>("--grad-clip") { Description = "Gradient-norm clip of the language model" });
    public readonly Option<string?> Baseline = SearchScope.RecurrentOnly(new Option<string?>("--baseline") { Description = "'lstm' trains the plain-LSTM language model of the same hidden size instead of searching" });
    public readonly Option<string?> Cell = SearchScope.RecurrentOnly(new Option<string?>("--cell") { Description = "Train this cell from scratch instead of searching: an arc in the official TF encoding (2N-1 integers; N follows from it), 'ptb-final' (the TF ptb_final.sh cell), 'enas-lm' (the cell published with google-research/enas_lm) or 'enas-lm:TOKENS' (an arc in enas_lm's encoding)" });

    public readonly Option<string?> CellOutput = SearchScope.RecurrentOnly(new Option<string?>("--cell-output") { Description = "Which nodes the cell output h_t averages: 'loose' (the loose ends, as the paper) or 'all' (every node, as the authors' corrected enas_lm GPU code)" });

    public readonly Option<bool> FirstNodeTanh = SearchScope.RecurrentOnly(new Option<bool>("--first-node-tanh") { Description = "Fix node 0's activation to tanh instead of searching it (the authors' corrected enas_lm code); random cells of --compare follow it" });

    public readonly Option<int?> RewardWindows = SearchScope.RecurrentOnly(new Option<int?>("--reward-windows") { Description = "Fixed validation windows each controller sample is scored on (0 = one random window per sample, as the official code)" });

    public readonly Option<int?> DeriveTrain = SearchScope.RecurrentOnly(new Option<int?>("--derive-train") { Description = "Derive by short training: train the K best candidates by shared-weight perplexity from scratch for --derive-train-epochs each and keep the one with the lowest validation perplexity" });

    public readonly Option<int?> DeriveTrainEpochs = SearchScope.RecurrentOnly(new Option<int?>("--derive-train-epochs") { Description = "Epochs of each --derive-train trial" });

    public IEnumerable<Option> All() => [Nodes, Hidden, Bptt, MaxWindows, Lr, GradClip, Baseline, Cell, CellOutput, FirstNodeTanh, RewardWindows, DeriveTrain, DeriveTrainEpochs];

    /// <summary>Each option's default as the help shows it, taken from <see cref="RnnSearchOptions"/>.</summary>
    public IEnumerable<(Option Option, string Default)> HelpDefaults()
    {
        var d = new RnnSearchOptions();
        return
        [
            (Nodes, $"{d.Nodes}"), (Hidden, $"{d.Hidden}"), (Bptt, $"{d.Bptt}"), (MaxWindows, "the whole stream"),
            (Lr, HelpText.Number(d.LearningRate)), (GradClip, HelpText.Number(d.GradClip)), (CellOutput, "loose"),
            (RewardWindows, $"{d.RewardWindows}"),
            (DeriveTrain, $"{d.DeriveTrainTop} = off: the shared-weight ranking, as ENAS"), (DeriveTrainEpochs, $"{d.DeriveTrainEpochs}"),
        ];
    }

    /// <summary>True when the command line asks for language modelling.</summary>
    public bool Applies(ParseResult p, SearchCliOptions s) =>
        p.GetValue(s.Space) == RnnSpace.SpaceName || p.GetValue(Baseline) is not null || p.GetValue(Cell) is not null ||
        p.GetValue(s.Dataset) is "ptb" or "ptb-mini";

    /// <summary>The request the command line makes: the defaults (or, on resume, the run's stored configuration
    /// <paramref name="stored"/>) overridden by every flag given.</summary>
    public RnnCliRequest Bind(ParseResult p, SearchCliOptions s, RnnRunConfig? stored = null)
    {
        var d = stored?.Options ?? new RnnSearchOptions();
        bool Given(Option option) => p.GetResult(option) is { Implicit: false };
        var o = d with
        {
            Nodes = p.GetValue(Nodes) ?? d.Nodes,
            Hidden = p.GetValue(Hidden) ?? d.Hidden,
            Bptt = p.GetValue(Bptt) ?? d.Bptt,
            MaxWindowsPerEpoch = p.GetValue(MaxWindows) ?? d.MaxWindowsPerEpoch,
            LearningRate = p.GetValue(Lr) ?? d.LearningRate,
            GradClip = p.GetValue(GradClip) ?? d.GradClip,
            RewardWindows = p.GetValue(RewardWindows) ?? d.RewardWindows,
            FirstNodeTanh = Given(FirstNodeTanh) ? p.GetValue(FirstNodeTanh) : d.FirstNodeTanh,
            CellOutput = p.GetValue(CellOutput) switch
            {
                null => d.CellOutput,
                "loose" => RnnCellOutput.LooseEnds,
                "all" => RnnCellOutput.AllNodes,
                var v => throw new CliException($"--cell-output {v}: allowed 'loose' (mean of the loose ends) or 'all' (mean of every node)"),
            },
            Epochs = p.GetValue(s.Epochs) ?? d.Epochs,
            BatchSize = p.GetValue(s.BatchSize) ?? d.BatchSize,
            Seed = p.GetValue(s.Seed) ?? d.Seed,
            Controller = p.GetValue(s.Controller) switch { null => d.Controller, "enas" or "lstm" => "lstm", "random" => "random",
                var c => throw new CliException($"--controller {c}: allowed enas or random") },
            ControllerSteps = p.GetValue(s.ControllerSteps) ?? d.ControllerSteps,
            ControllerAggregate = p.GetValue(s.ControllerAggregate) ?? d.ControllerAggregate,
            DeriveSamples = p.GetValue(s.DeriveSamples) ?? d.DeriveSamples,
            DeriveTrainTop = p.GetValue(DeriveTrain) ?? d.DeriveTrainTop,
            DeriveTrainEpochs = p.GetValue(DeriveTrainEpochs) ?? d.DeriveTrainEpochs,
        };
        o = o with { ControllerSettings = s.WithControllerFlags(p, o.ControllerSettings) };
        try { o.ControllerSettings.Validate(); }
        catch (ArgumentException e) { throw new CliException(e.Message); }
        SearchScope.Refuse(p, s.All(), SearchKind.Recurrent); // a CNN flag would otherwise be ignored without a word
        if (o.Nodes < 1 || o.Hidden < 1 || o.Bptt < 1 || o.BatchSize < 1 || o.Epochs < 0 || o.RewardWindows < 0)
            throw new CliException("--nodes, --hidden, --bptt and --batch-size must be positive, --epochs and --reward-windows not negative");
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate) || !(o.GradClip > 0) || !double.IsFinite(o.GradClip))
            throw new CliException($"--lr {o.LearningRate} / --grad-clip {o.GradClip}: give positive numbers (defaults 20 and 0.25)");
        if (o.DeriveTrainTop < 0 || o.DeriveTrainEpochs < 1)
            throw new CliException($"--derive-train {o.DeriveTrainTop} / --derive-train-epochs {o.DeriveTrainEpochs}: give K >= 0 candidates (0 = off) and at least 1 epoch");
        if (p.GetValue(DeriveTrainEpochs) is not null && o.DeriveTrainTop == 0)
            throw new CliException("--derive-train-epochs only applies with --derive-train K");
        if (o.FirstNodeTanh && o.Nodes == 1)
            throw new CliException("--first-node-tanh with --nodes 1 leaves nothing to search; give --nodes 2 or more");
        string dataset = p.GetValue(s.Dataset) ?? stored?.Dataset ?? "ptb";
        if (dataset is not ("ptb" or "ptb-mini"))
            throw new CliException($"--dataset {dataset}: language modelling reads ptb (ptb.train/valid/test.txt) or ptb-mini");
        string data = p.GetValue(s.Data) ?? stored?.DataDir ?? throw new CliException(
            "--data DIR is required for --space rnn: a folder holding ptb.train.txt, ptb.valid.txt and ptb.test.txt " +
            "(or ptb.valid.txt and ptb.test.txt with --dataset ptb-mini)");
        string? baseline = p.GetValue(Baseline) ?? stored?.Baseline;
        if (baseline is not null and not "lstm") throw new CliException($"--baseline {baseline}: only 'lstm' is available");
        bool compare = Given(s.Compare) ? p.GetValue(s.Compare) : stored?.Compare ?? false;
        string? cell = p.GetValue(Cell) ?? stored?.Cell;
        if (o.DeriveTrainTop > 0 && (baseline is not null || cell is not null))
            throw new CliException("--derive-train chooses among searched candidates; it does not apply to --cell or --baseline");
        if (compare && baseline is not null)
            throw new CliException("--compare trains the LSTM baseline itself; leave out --baseline");
        int retrainEpochs = p.GetValue(s.RetrainEpochs) ?? stored?.RetrainEpochs ?? o.Epochs;
        if (compare && retrainEpochs < 1) throw new CliException("--compare needs --retrain-epochs of at least 1");
        int? compareSeeds = p.GetValue(s.CompareSeeds) ?? stored?.CompareSeeds;
        if (p.GetValue(s.CompareSeeds) is not null && !compare) throw new CliException("--compare-seeds only applies with --compare");
        if (compareSeeds < 1) throw new CliException($"--compare-seeds {compareSeeds}: give at least 1");
        return new RnnCliRequest(o, dataset, data, baseline, cell, retrainEpochs,
            p.GetValue(s.Out), p.GetValue(s.Resume), compare, compareSeeds ?? 1)
        {
            Device = p.GetValue(s.Device) ?? stored?.Device ?? "auto",
            NodesGiven = p.GetValue(Nodes),
        };
    }
}

/// <summary>What the user asked for.</summary>
internal sealed record RnnCliRequest(RnnSearchOptions Options, string Dataset, string DataDir, string? Baseline,
    string? Cell, int RetrainEpochs, string? Out, bool Resume, bool Compare = false, int CompareSeeds = 1)
{
    /// <summary>--device as given (auto, cpu, cuda or cuda:N), resolved by <see cref="DeviceSelection"/>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>--nodes when the user gave it (a given --cell must then have that many nodes).</summary>
    public int? NodesGiven { get; init; }
}
