using Enas.Engine.Serialization;

namespace Enas.Search.Cli;

/// <summary>The <c>--model</c> of <c>eval</c>: the model.ckpt that <c>train</c> writes, told apart from a search's
/// checkpoint (which holds the shared weights of a whole space, not one trained model).</summary>
internal static class ModelCheckpoint
{
    /// <summary>The tensors of the model file <paramref name="path"/>.</summary>
    /// <exception cref="CliException">The file is missing, or is a search checkpoint.</exception>
    public static IReadOnlyDictionary<string, CheckpointEntry> Read(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"--model {path}: file not found; give the {TrainAction.ModelFile} that train wrote into its --out folder");
        var (_, entries) = Checkpoint.Read(path);
        if (entries.ContainsKey("controller.0") && (entries.ContainsKey("bank.0") || entries.ContainsKey("lm.0")))
            throw new CliException($"--model {path} is a search checkpoint (the shared weights of every architecture the search " +
                                   "could sample, and its controller), not a trained model. Train the architecture first with " +
                                   "train --arch <run>/best-architecture.json (it prints the command), then eval the " +
                                   $"{TrainAction.ModelFile} it writes");
        return entries;
    }
}
