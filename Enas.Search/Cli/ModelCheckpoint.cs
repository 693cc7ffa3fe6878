using Enas.Engine.Serialization;

namespace Enas.Search.Cli;

/// <summary>The <c>--model</c> of <c>eval</c>: the model.ckpt that <c>train</c> writes, told apart from a search's
/// checkpoint (which holds the shared weights of a whole space, not one trained model).</summary>
internal static class ModelCheckpoint
{
    /// <summary>The tensors of the model file <paramref name="path"/>.</summary>
    /// <exception cref="CliException">The file is missing, or is a search checkpoint.</exception>
    public static IReadOnlyDictionary<string, CheckpointEntry> Read(string path) => ReadWithMetadata(path).Entries;

    /// <summary>The metadata JSON and tensors of the model file <paramref name="path"/>.</summary>
    /// <exception cref="CliException">The file is missing, corrupt or not a checkpoint, or is a search checkpoint.</exception>
    public static (string MetadataJson, IReadOnlyDictionary<string, CheckpointEntry> Entries) ReadWithMetadata(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"--model {path}: file not found; give the {TrainAction.ModelFile} that train wrote into its --out folder");
        string meta;
        IReadOnlyDictionary<string, CheckpointEntry> entries;
        try { (meta, entries) = Checkpoint.Read(path); }
        catch (InvalidDataException e)
        {
            throw new CliException($"--model {path} cannot be read as a model: {e.Message}. Give the {TrainAction.ModelFile} that train " +
                                   "wrote (train again if the file was damaged)");
        }
        if (entries.ContainsKey("controller.0") && (entries.ContainsKey("bank.0") || entries.ContainsKey("lm.0")))
            throw new CliException($"--model {path} is a search checkpoint (the shared weights of every architecture the search " +
                                   "could sample, and its controller), not a trained model. Train the architecture first with " +
                                   "train --arch <run>/best-architecture.json (it prints the command), then eval or export the " +
                                   $"{TrainAction.ModelFile} it writes");
        return (meta, entries);
    }
}
