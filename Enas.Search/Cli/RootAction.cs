using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Enas.Search.Reporting;
using Enas.Search.Spaces;

namespace Enas.Search.Cli;

/// <summary>
/// The root command: a CNN or a recurrent search. A new run is recurrent when the flags ask for language modelling;
/// a resumed one is whatever the run folder's config.json says, so <c>--resume --out DIR</c> alone continues any run.
/// </summary>
internal static class RootAction
{
    public static int Run(ParseResult p, SearchCliOptions search, RnnCliOptions rnn, TextWriter stdout, bool? live)
    {
        string? outDir = p.GetValue(search.Out);
        bool recurrentFlags = rnn.Applies(p, search);
        if (!p.GetValue(search.Resume))
        {
            if (recurrentFlags) return RnnCliAction.Run(rnn.Bind(p, search), stdout, live);
            SearchScope.Refuse(p, rnn.All(), SearchKind.Cnn);
            return SearchAction.Run(search.Bind(p), outDir, resume: false, stdout, live);
        }
        if (outDir is null) throw new CliException("--resume needs --out pointing at the run to continue");
        var folder = RunFolder.OpenForResume(outDir, checkpointSuffices: recurrentFlags);
        if (!File.Exists(folder.ConfigPath)) // a recurrent run written before runs stored their configuration
            return RnnCliAction.Run(rnn.Bind(p, search), stdout, live);
        if (File.Exists(folder.File(TrainAction.ArchitectureFile)))
            throw new CliException($"{folder.Path} holds a train run, not a search; continue it with train --resume --out {CliApp.Quote(folder.Path)}");
        string json = folder.ReadConfig();
        string space = SpaceOf(json, folder.ConfigPath);
        string? given = p.GetValue(search.Space);
        if (space == RnnSpace.SpaceName)
        {
            if (given is not null && given != space)
                throw new CliException($"{folder.Path} holds a recurrent (rnn) run; leave out --space {given} to continue it");
            return RnnCliAction.Run(rnn.Bind(p, search, RnnRunConfig.Parse(json, folder.ConfigPath)), stdout, live);
        }
        if (recurrentFlags && given != MacroSpace.SpaceName && given != MicroSpace.SpaceName)
            throw new CliException($"{folder.Path} holds a {space} search, not a recurrent one; leave out the language-model " +
                                   "flags (--space rnn, --dataset ptb, --cell, --baseline) to continue it");
        SearchScope.Refuse(p, rnn.All(), SearchKind.Cnn);
        return SearchAction.Run(search.Bind(p, SearchAction.StoredOptions(json, folder.ConfigPath)), outDir, resume: true, stdout, live);
    }

    /// <summary>The "space" a run's config.json names.</summary>
    private static string SpaceOf(string json, string path)
    {
        try
        {
            return JsonNode.Parse(json)?["space"]?.GetValue<string>()
                   ?? throw new CliException($"cannot read {path}: it names no search space");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }
    }
}
