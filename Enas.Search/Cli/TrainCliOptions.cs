using System.CommandLine;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>Options of <c>train</c> and <c>eval</c> (retraining sizes).</summary>
internal sealed class TrainCliOptions
{
    public readonly Option<string?> Preset = new("--preset") { Description = $"Start from named settings: {string.Join(", ", Presets.Names)} (paper-micro: C=36, 15 layers, 630 epochs, cutout 16)" };
    public readonly Option<string?> Dataset = new("--dataset") { Description = "fashion-mnist, cifar10 or folder (your own images in --data DIR, one subfolder per class)" };
    public readonly Option<string?> Data = new("--data") { Description = "Dataset folder" };
    public readonly Option<int?> Epochs = new("--epochs") { Description = "Training epochs" };
    public readonly Option<int?> Channels = new("--channels") { Description = "Base width C" };
    public readonly Option<int?> Layers = new("--layers") { Description = "Micro: normal-cell layers L" };
    public readonly Option<int?> BatchSize = new("--batch-size") { Description = "Minibatch size" };
    public readonly Option<int?> Cutout = new("--cutout") { Description = "Cutout square side (0 = off)" };
    public readonly Option<double?> DropPathKeep = new("--drop-path-keep") { Description = "Micro: probability that drop-path keeps a path (1 = off); annealed from 1 to it over the epochs" };
    public readonly Option<string?> Network = new("--network") { Description = "search (the search network trained alone) or final (the authors' final network: micro with strided reduction ops and concatenated loose ends, macro with dense convs and concatenated skips)" };
    public readonly Option<int?> TrainSubset = new("--train-subset") { Description = "Use only the first N training images (0 = all)" };
    public readonly Option<string?> Device = new("--device") { Description = "auto (CUDA when ILGPU sees a GPU, else CPU), cpu, cuda or cuda:N" };
    public readonly Option<ulong?> Seed = new("--seed") { Description = "Random seed" };
    public readonly Option<string?> Out = new("--out") { Description = "Output folder (default runs/train-<timestamp>)" };
    /// <summary>--image-size and --bad-images of --dataset folder.</summary>
    public readonly FolderDataFlags Folder = new();
    public readonly Option<bool> Resume = new("--resume") { Description = "train: continue the run in --out DIR from its last epoch's checkpoint (more --epochs only where the schedule allows)" };
    public readonly Option<string?> ExportOnnx = new("--export-onnx") { Description = "train: after training, also write the model as ONNX to this file (as export --onnx does)" };

    /// <summary>The options train and eval share (<see cref="Resume"/> is train's alone).</summary>
    public IEnumerable<Option> All() => [Preset, Dataset, Data, .. Folder.All(), Epochs, Channels, Layers, BatchSize, Cutout, DropPathKeep, Network, TrainSubset, Device, Seed, Out];

    /// <summary>The options <c>eval</c> reads: what builds the network and finds the test set (it trains and writes nothing).</summary>
    public IEnumerable<Option> ForEval() => [Preset, Dataset, Data, .. Folder.All(), Channels, Layers, Network, Device];

    /// <summary>Each option's default as the help shows it, taken from the cpu preset.</summary>
    public IEnumerable<(Option Option, string Default)> HelpDefaults()
    {
        var r = Presets.Get("cpu").Retrain;
        return
        [
            (Preset, "cpu"), (Dataset, "fashion-mnist"), (Data, $"{Enas.Search.Data.FashionMnist.DefaultDirectory} for fashion-mnist"),
            (Epochs, $"{r.Epochs}"), (Channels, $"{r.Channels}"), (Layers, $"{r.Layers}"), (BatchSize, $"{r.BatchSize}"),
            (Cutout, $"{r.Cutout}"), (DropPathKeep, HelpText.Number(r.DropPathKeep)), (Network, $"{r.Network}; final with the paper presets"), (TrainSubset, "0"),
            (Device, "auto"), (Seed, "1"), .. Folder.HelpDefaults(),
        ];
    }

    /// <summary>The preset (or, on resume, the run's stored options) with the given flags applied.</summary>
    public SearchOptions Bind(ParseResult p, SearchOptions? resumed = null)
    {
        SearchOptions o;
        if (resumed is not null)
        {
            if (p.GetValue(Preset) is not null)
                throw new CliException("--preset cannot change a run on resume: it continues with the options in its config.json");
            o = resumed;
        }
        else
        {
            try { o = Presets.Get(p.GetValue(Preset) ?? "cpu"); }
            catch (ArgumentException e) { throw new CliException(e.Message); }
        }
        var r = o.Retrain;
        o = o with
        {
            Dataset = p.GetValue(Dataset) ?? o.Dataset,
            DataDir = p.GetValue(Data) ?? o.DataDir,
            Device = p.GetValue(Device) ?? o.Device,
            Seed = p.GetValue(Seed) ?? o.Seed,
            Retrain = r with
            {
                Epochs = p.GetValue(Epochs) ?? r.Epochs,
                Channels = p.GetValue(Channels) ?? r.Channels,
                Layers = p.GetValue(Layers) ?? r.Layers,
                BatchSize = p.GetValue(BatchSize) ?? r.BatchSize,
                Cutout = p.GetValue(Cutout) ?? r.Cutout,
                DropPathKeep = p.GetValue(DropPathKeep) ?? r.DropPathKeep,
                TrainSubset = p.GetValue(TrainSubset) ?? r.TrainSubset,
                Network = p.GetValue(Network) ?? r.Network,
            },
        };
        o = Folder.Apply(p, o);
        try { o.FolderOptions(); }
        catch (ArgumentException e) { throw new CliException(e.Message); }
        if (o.Retrain.Epochs < 1 || o.Retrain.Channels < 0 || o.Retrain.Layers < 0 || o.Retrain.BatchSize < 1)
            throw new CliException("train: --epochs and --batch-size must be >= 1, --channels/--layers >= 0");
        if (o.Retrain.DropPathKeep is not (> 0 and <= 1))
            throw new CliException($"--drop-path-keep must be in (0, 1] (1 = no drop-path), got {o.Retrain.DropPathKeep}");
        if (o.Retrain.Network is not ("search" or "final"))
            throw new CliException($"--network must be search or final, got '{o.Retrain.Network}'");
        return o;
    }
}
