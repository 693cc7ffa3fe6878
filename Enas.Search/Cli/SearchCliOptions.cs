using System.CommandLine;
using Enas.Search.Controller;
using Enas.Search.Tasks;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>The search options of the root command. Nullable values: unset options keep the preset's value.</summary>
internal sealed class SearchCliOptions
{
    /// <summary>Layers of a macro search when neither --layers nor a preset says (the paper's 12).</summary>
    private const int MacroLayers = 12;

    public readonly Option<string?> Preset = SearchScope.CnnOnly(new Option<string?>("--preset") { Description = $"Start from named settings: {string.Join(", ", Presets.Names)} (cpu: sized for a 2-core CPU; every search prints its expected duration, measured on this machine, when it starts; paper-micro and paper-macro: the official ENAS CIFAR-10 scripts)" });
    public readonly Option<string?> Space = new("--space") { Description = "Search space: micro (cells), macro (whole network) or rnn (recurrent cell, language modelling)" };
    public readonly Option<int?> Cells = SearchScope.CnnOnly(new Option<int?>("--cells") { Description = "Micro: computed nodes per cell, B" });
    public readonly Option<int?> Layers = SearchScope.CnnOnly(new Option<int?>("--layers") { Description = "Micro: normal-cell layers L (two reduction cells are added); macro: number of layers" });
    public readonly Option<int?> Channels = SearchScope.CnnOnly(new Option<int?>("--channels") { Description = "Base channel width C during search" });
    public readonly Option<int?> Epochs = new("--epochs") { Description = "Search epochs" };
    public readonly Option<int?> BatchSize = new("--batch-size") { Description = "Minibatch size (CNN: images; rnn: parallel token streams)" };
    public readonly Option<string?> Dataset = new("--dataset") { Description = "fashion-mnist, cifar10 or folder (your own images: --data DIR with one subfolder of PNG/JPEG images per class, or train/ and test/ folders of that form); with --space rnn: ptb or ptb-mini" };
    public readonly Option<string?> Data = new("--data") { Description = "Dataset folder (required for cifar10, folder and --space rnn)" };
    /// <summary>--image-size and --bad-images of --dataset folder (CNN only).</summary>
    public readonly FolderDataFlags Folder = DeclaredCnnOnly(new FolderDataFlags());
    public readonly Option<string?> Device = new("--device") { Description = "auto (CUDA when ILGPU sees a GPU, else CPU), cpu, cuda or cuda:N" };
    public readonly Option<ulong?> Seed = new("--seed") { Description = "Random seed (same seed on the CPU = same result)" };
    public readonly Option<string?> Out = new("--out") { Description = "Run folder: new or empty (or, with --resume, a run to continue)" };
    public readonly Option<bool> Resume = new("--resume") { Description = "Continue the run in --out from its last checkpoint with the options stored there (other flags are checked against them: those that only steer derive, the rank check or the retraining may change)" };
    public readonly Option<string?> Controller = new("--controller") { Description = "enas (LSTM policy), random (uniform baseline) or fixed (always the --arch architecture: trains one child with the search loop, a check of the loop against train)" };
    public readonly Option<string?> Arch = SearchScope.CnnOnly(new Option<string?>("--arch") { Description = "With --controller fixed: the architecture the search loop trains (best-architecture.json or .txt, or an official integer string)" });
    public readonly Option<int?> TrainSubset = SearchScope.CnnOnly(new Option<int?>("--train-subset") { Description = "Training images used by the search (0 = all)" });
    public readonly Option<int?> ValidationSize = SearchScope.CnnOnly(new Option<int?>("--validation-size") { Description = "Images held out of the training set for rewards and derive" });
    public readonly Option<int?> ControllerSteps = new("--controller-steps") { Description = "Controller steps per epoch" };
    public readonly Option<int?> ControllerAggregate = new("--controller-aggregate") { Description = "Architectures sampled per controller step" };
    public readonly Option<string?> ControllerReward = SearchScope.CnnOnly(new Option<string?>("--controller-reward") { Description = "paper (each sample scored on its own validation batch, moving-average baseline) or paired (a step's samples share one batch; leave-one-out baseline; needs --controller-aggregate >= 2)" }, "--controller-reward is for the CNN search; the recurrent search already scores every sample on the same fixed validation windows (--reward-windows)");
    public readonly Option<double?> ControllerLr = new("--controller-lr") { Description = "Controller Adam learning rate" };
    public readonly Option<double?> ControllerAdamEps = new("--controller-adam-eps") { Description = "Controller Adam epsilon (CNNs: the official code's, where the controller's gradients are often ~1e-4 and it damps the steps)" };
    public readonly Option<double?> LrMax = SearchScope.CnnOnly(new Option<double?>("--lr-max") { Description = "Child learning rate at the start of each cosine period" });
    public readonly Option<double?> LrMin = SearchScope.CnnOnly(new Option<double?>("--lr-min") { Description = "Child learning rate at the end of each cosine period" });
    public readonly Option<int?> DeriveSamples = new("--derive-samples") { Description = "Architectures sampled and scored by derive (K)" };
    public readonly Option<int?> DeriveBatches = SearchScope.CnnOnly(new Option<int?>("--derive-batches") { Description = "Validation batches every derive candidate is scored on" });
    public readonly Option<int?> RewardBatches = SearchScope.CnnOnly(new Option<int?>("--reward-batches") { Description = "Validation batches each controller reward is measured on (more batches, less noise)" });
    public readonly Option<double?> ControllerTanh = new("--controller-tanh") { Description = "Controller tanh constant c: logits become c·tanh(logits), so no choice's logit passes ±c" };
    public readonly Option<double?> ControllerOpTanhReduce = SearchScope.CnnOnly(new Option<double?>("--controller-op-tanh-reduce") { Description = "Micro: op logits use c / this, so op logits stay within ±c / this (1.10 / 2.5 = ±0.44 by default: no op can pass about 37 % of five)" });
    public readonly Option<int?> ControllerWarmup = SearchScope.CnnOnly(new Option<int?>("--controller-warmup") { Description = "Epochs at the start in which children are sampled uniformly and the controller is not trained" });
    public readonly Option<int?> RankCheck = SearchScope.CnnOnly(new Option<int?>("--rank-check") { Description = "After derive, train K architectures alone (the best policy candidates and uniform samples, half each) and report Kendall tau and Spearman rho between their shared-weight and standalone validation accuracies (costs K short trainings)" });
    public readonly Option<int?> RankCheckEpochs = SearchScope.CnnOnly(new Option<int?>("--rank-check-epochs") { Description = "Epochs each --rank-check architecture trains alone" });
    public readonly Option<bool> Compare = new("--compare") { Description = "After the search, retrain and compare: CNN: the searched architecture, --compare-random uniformly random ones, the published ENAS one (micro with --cells 5, macro with 24 layers) and a hand-made VGG-style CNN of similar size, each as the printed train command would; rnn: the searched cell (or --cell), a random cell and the plain LSTM (comparison.txt/.json, saved after every model; --resume continues it)" };
    public readonly Option<int?> CompareSeeds = new("--compare-seeds") { Description = "With --compare, train every model with this many seeds (seed, seed + 1, ...; new random architectures per seed) and report mean ± sd and paired differences" };
    public readonly Option<int?> CompareRandom = SearchScope.CnnOnly(new Option<int?>("--compare-random") { Description = "CNN --compare: uniformly random architectures per seed" });
    public readonly Option<int?> RetrainEpochs = new("--retrain-epochs") { Description = "Epochs of the suggested retraining (rnn: of the retraining after the search)" };
    public readonly Option<int?> RetrainChannels = SearchScope.CnnOnly(new Option<int?>("--retrain-channels") { Description = "Width of the retrained network (wider than the search if you like)" });
    public readonly Option<int?> RetrainLayers = SearchScope.CnnOnly(new Option<int?>("--retrain-layers") { Description = "Micro: layers of the retrained network (deeper if you like)" });

    public IEnumerable<Option> All() =>
    [
        Preset, Space, Cells, Layers, Channels, Epochs, BatchSize, Dataset, Data, Device, Seed, Out, Resume, Controller, Arch,
        TrainSubset, ValidationSize, ControllerSteps, ControllerAggregate, ControllerReward, ControllerLr, ControllerAdamEps, ControllerTanh, ControllerOpTanhReduce, LrMax, LrMin, DeriveSamples, DeriveBatches, RewardBatches, ControllerWarmup, RankCheck, RankCheckEpochs, Compare, CompareSeeds, CompareRandom, RetrainEpochs, RetrainChannels, RetrainLayers,
        .. Folder.All(),
    ];

    private static FolderDataFlags DeclaredCnnOnly(FolderDataFlags flags)
    {
        foreach (var option in flags.All()) SearchScope.CnnOnly(option);
        return flags;
    }

    /// <summary>The options only the CNN search reads (declared with <see cref="SearchScope.CnnOnly{T}"/>; the
    /// recurrent search refuses them).</summary>
    public IReadOnlyList<Option> CnnOnly() => SearchScope.Only(All(), SearchKind.Cnn);

    /// <summary>Each option's default as the help shows it, taken from the settings themselves.</summary>
    public IEnumerable<(Option Option, string Default)> HelpDefaults()
    {
        var d = Presets.Get("cpu");
        var rnn = new RnnSearchOptions();
        var macro = ControllerOptions.ForMacro();
        return
        [
            (Preset, "cpu"), (Space, d.Space), (Cells, $"{d.Nodes}"), (Layers, $"{d.Layers}; macro: {MacroLayers}"),
            (Channels, $"{d.Channels}"), (Epochs, $"{d.Epochs}; rnn: {rnn.Epochs}"), (BatchSize, $"{d.BatchSize}; rnn: {rnn.BatchSize}"),
            (Dataset, $"{d.Dataset}; rnn: ptb"), (Data, $"{Enas.Search.Data.FashionMnist.DefaultDirectory} for fashion-mnist"),
            (Device, d.Device), (Seed, $"{d.Seed}"), (Out, "runs/<space>-<UTC date-time>"), (Controller, d.Controller),
            (TrainSubset, $"{d.TrainSubset}"), (ValidationSize, $"{d.ValidationSize}"),
            (ControllerSteps, $"{d.ControllerSteps}; macro: {new SearchOptions().ControllerSteps}; rnn: {rnn.ControllerSteps}"),
            (ControllerAggregate, $"{d.ControllerAggregate}; rnn: {rnn.ControllerAggregate}"), (ControllerReward, d.ControllerSettings.PairedReward ? "paired; macro: paper" : "paper"),
            (ControllerLr, $"{HelpText.Number(d.ControllerSettings.LearningRate)} micro, {HelpText.Number(macro.LearningRate)} macro, " +
                           $"{HelpText.Number(rnn.ControllerSettings.LearningRate)} rnn"),
            (ControllerAdamEps, $"{HelpText.Number(d.ControllerSettings.AdamEpsilon)}; macro: {HelpText.Number(macro.AdamEpsilon)}; rnn: {HelpText.Number(rnn.ControllerSettings.AdamEpsilon)}"),
            (ControllerTanh, $"{HelpText.Number(d.ControllerSettings.TanhConstant ?? 0)} micro, {HelpText.Number(macro.TanhConstant ?? 0)} macro, " +
                             $"{HelpText.Number(rnn.ControllerSettings.TanhConstant ?? 0)} rnn"),
            (ControllerOpTanhReduce, HelpText.Number(d.ControllerSettings.OpTanhReduce)),
            (LrMax, HelpText.Number(d.LrMax)), (LrMin, HelpText.Number(d.LrMin)),
            (DeriveSamples, $"{d.DeriveSamples}; rnn: {rnn.DeriveSamples}"),
            (DeriveBatches, $"{d.DeriveBatches}, i.e. {d.DeriveBatches * d.BatchSize:N0} images at batch {d.BatchSize}"),
            (RewardBatches, d.RewardBatches is { } rb ? $"{rb}; macro: 1, the paper's one minibatch" : "1, the paper's one minibatch"), (ControllerWarmup, "0"), (RankCheck, "0 = off"), (RankCheckEpochs, "2"),
            (CompareSeeds, $"{new CompareOptions().Seeds}"), (CompareRandom, $"{new CompareOptions().RandomArchitectures}"),
            (RetrainEpochs, $"{d.Retrain.Epochs}; rnn: --epochs"), (RetrainChannels, $"{d.Retrain.Channels}"), (RetrainLayers, $"{d.Retrain.Layers}"),
            .. Folder.HelpDefaults(),
        ];
    }

    /// <summary><paramref name="settings"/> with --controller-lr, --controller-adam-eps, --controller-tanh and
    /// --controller-op-tanh-reduce applied (the CNN and the
    /// recurrent search both take them).</summary>
    public ControllerOptions WithControllerFlags(ParseResult p, ControllerOptions settings) => settings with
    {
        LearningRate = p.GetValue(ControllerLr) ?? settings.LearningRate,
        AdamEpsilon = p.GetValue(ControllerAdamEps) ?? settings.AdamEpsilon,
        TanhConstant = p.GetValue(ControllerTanh) ?? settings.TanhConstant,
        OpTanhReduce = p.GetValue(ControllerOpTanhReduce) ?? settings.OpTanhReduce,
    };

    /// <summary>The preset (or, on resume, the run's stored options) overridden by every option the user gave.</summary>
    public SearchOptions Bind(ParseResult p, SearchOptions? resumed = null)
    {
        var preset = p.GetValue(Preset) ?? "cpu";
        SearchOptions o;
        if (resumed is not null)
        {
            if (p.GetValue(Preset) is not null)
                throw new CliException("--preset cannot change a run on resume: it continues with the options in its config.json");
            o = resumed;
        }
        else
        {
            try { o = Presets.Get(preset); }
            catch (ArgumentException e) { throw new CliException(e.Message); }
        }
        var r = o.Retrain;
        o = o with
        {
            Space = p.GetValue(Space) ?? o.Space,
            Nodes = p.GetValue(Cells) ?? o.Nodes,
            Layers = p.GetValue(Layers) ?? (p.GetValue(Space) == "macro" && o.Space != "macro" ? MacroLayers : o.Layers),
            Channels = p.GetValue(Channels) ?? o.Channels,
            Epochs = p.GetValue(Epochs) ?? o.Epochs,
            BatchSize = p.GetValue(BatchSize) ?? o.BatchSize,
            Dataset = p.GetValue(Dataset) ?? o.Dataset,
            DataDir = p.GetValue(Data) ?? o.DataDir,
            Device = p.GetValue(Device) ?? o.Device,
            Seed = p.GetValue(Seed) ?? o.Seed,
            Controller = p.GetValue(Controller) ?? o.Controller,
            TrainSubset = p.GetValue(TrainSubset) ?? o.TrainSubset,
            ValidationSize = p.GetValue(ValidationSize) ?? o.ValidationSize,
            ControllerSteps = p.GetValue(ControllerSteps) ?? o.ControllerSteps,
            ControllerAggregate = p.GetValue(ControllerAggregate) ?? o.ControllerAggregate,
            DeriveSamples = p.GetValue(DeriveSamples) ?? o.DeriveSamples,
            DeriveBatches = p.GetValue(DeriveBatches) ?? o.DeriveBatches,
            RewardBatches = p.GetValue(RewardBatches) ?? o.RewardBatches,
            ControllerWarmupEpochs = p.GetValue(ControllerWarmup) ?? o.ControllerWarmupEpochs,
            RankCheck = p.GetValue(RankCheck) ?? o.RankCheck,
            // --rank-check 0 (on a resume: drop the check) drops its stored epochs too, unless they are given again.
            RankCheckEpochs = p.GetValue(RankCheckEpochs) ?? (p.GetValue(RankCheck) == 0 ? null : o.RankCheckEpochs),
            LrMax = p.GetValue(LrMax) ?? o.LrMax,
            LrMin = p.GetValue(LrMin) ?? o.LrMin,
            Retrain = r with
            {
                Epochs = p.GetValue(RetrainEpochs) ?? r.Epochs,
                Channels = p.GetValue(RetrainChannels) ?? r.Channels,
                Layers = p.GetValue(RetrainLayers) ?? r.Layers,
            },
        };
        if (resumed is null && o.Space == "macro" && p.GetValue(Preset) is null)
            o = o with
            {
                // The macro search keeps the paper's controller: the cpu preset's paired rewards were measured on micro only.
                ControllerSettings = ControllerOptions.ForMacro(), Retrain = o.Retrain with { Layers = 0 },
                ControllerSteps = p.GetValue(ControllerSteps) ?? new SearchOptions().ControllerSteps,
                RewardBatches = p.GetValue(RewardBatches),
            };
        o = p.GetValue(ControllerReward) switch
        {
            // The preset's paired rewards compare a step's samples with each other: with one sample per step the
            // paper's moving-average baseline is the one that works, so an unstated reward follows --controller-aggregate.
            null when o.ControllerAggregate < 2 => o with { ControllerSettings = o.ControllerSettings with { PairedReward = false } },
            null => o,
            "paper" => o with { ControllerSettings = o.ControllerSettings with { PairedReward = false } },
            "paired" => o with { ControllerSettings = o.ControllerSettings with { PairedReward = true } },
            var v => throw new CliException($"--controller-reward {v}: allowed paper or paired"),
        };
        o = o with { ControllerSettings = WithControllerFlags(p, o.ControllerSettings) };
        if (p.GetValue(Arch) is { } archPath)
        {
            var (space, arch) = ArchitectureArgument.Read(archPath, o.Space);
            var searched = o.CreateSpace();
            if (space.Name != searched.Name || space.Decisions.Count != searched.Decisions.Count)
                throw new CliException($"--arch {archPath} is a {space.Name} architecture with {space.Decisions.Count} tokens; " +
                                       $"this search is {searched.Name} with {searched.Decisions.Count} (match --space and --cells/--layers)");
            o = o with { FixedArchitecture = [.. arch.Tokens] };
        }
        o = WithCompare(p, Folder.Apply(p, o));
        try { o.Validate(); }
        catch (ArgumentException e) { throw new CliException(e.Message); }
        return o;
    }

    /// <summary>Applies --compare, --compare-seeds and --compare-random (the counts only with --compare, or on a run that compares).</summary>
    private SearchOptions WithCompare(ParseResult p, SearchOptions o)
    {
        int? seeds = p.GetValue(CompareSeeds), random = p.GetValue(CompareRandom);
        if (!p.GetValue(Compare) && o.Compare is null)
        {
            if (seeds is not null || random is not null)
                throw new CliException("--compare-seeds and --compare-random only apply with --compare");
            return o;
        }
        var c = o.Compare ?? new CompareOptions();
        return o with { Compare = c with { Seeds = seeds ?? c.Seeds, RandomArchitectures = random ?? c.RandomArchitectures } };
    }
}
