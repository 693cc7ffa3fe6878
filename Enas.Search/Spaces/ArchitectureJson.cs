using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Enas.Search.Spaces;

/// <summary>The versioned JSON form of an architecture (what <c>best-architecture.json</c> holds).</summary>
public sealed record ArchitectureDocument
{
    /// <summary>Current schema version.</summary>
    public const int CurrentSchema = 1;

    /// <summary>Schema version of this document.</summary>
    public int SchemaVersion { get; init; } = CurrentSchema;

    /// <summary>"micro", "macro" or "rnn".</summary>
    public string Space { get; init; } = "";

    /// <summary>Space size (<see cref="ISearchSpace.Size"/>): nodes per cell (micro), layers (macro), cell nodes (rnn).</summary>
    public int Size { get; init; }

    /// <summary>The tokens (official encoding).</summary>
    public int[] Tokens { get; init; } = [];

    /// <summary>Macro only: what a skip bit reads (<see cref="MacroSkipIndexing.StemFirst"/>); a macro file without it
    /// predates the authors' indexing and is refused (<see cref="MacroSkipIndexing.CheckFile"/>).</summary>
    public string? SkipIndexing { get; init; }

    /// <summary>The official string (informative; tokens win when both are present).</summary>
    public string? Official { get; init; }

    /// <summary>Readable genotype (informative).</summary>
    public string? Description { get; init; }

    /// <summary>Accuracy measured with the shared search weights (NOT a final accuracy), when known.</summary>
    public double? SharedWeightAccuracy { get; init; }
}

/// <summary>Source-generated JSON metadata for the search layer's documents.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ArchitectureDocument))]
internal sealed partial class ArchitectureJsonContext : JsonSerializerContext;

/// <summary>Reads and writes <see cref="ArchitectureDocument"/>s.</summary>
public static class ArchitectureJson
{
    /// <summary>Serialises an architecture of <paramref name="space"/>.</summary>
    public static string Serialize(ISearchSpace space, Architecture architecture, double? sharedWeightAccuracy = null)
    {
        space.Validate(architecture);
        var doc = new ArchitectureDocument
        {
            Space = space.Name,
            Size = space.Size,
            Tokens = architecture.Tokens.ToArray(),
            SkipIndexing = space is MacroSpace ? MacroSkipIndexing.StemFirst : null,
            Official = architecture.ToOfficialString(),
            Description = space.Describe(architecture),
            SharedWeightAccuracy = sharedWeightAccuracy,
        };
        return JsonSerializer.Serialize(doc, ArchitectureJsonContext.Default.ArchitectureDocument);
    }

    /// <summary>Parses a document and returns its space and validated architecture.</summary>
    public static (ISearchSpace Space, Architecture Architecture) Deserialize(string json)
    {
        ArchitectureDocument? doc;
        try { doc = JsonSerializer.Deserialize(json, ArchitectureJsonContext.Default.ArchitectureDocument); }
        catch (JsonException e) { throw new InvalidArchitectureException($"architecture file is not valid JSON: {e.Message}"); }
        if (doc is null) throw new InvalidArchitectureException("architecture file is empty");
        if (doc.SchemaVersion != ArchitectureDocument.CurrentSchema)
            throw new InvalidArchitectureException(
                $"architecture file has schema version {doc.SchemaVersion}; this build reads version {ArchitectureDocument.CurrentSchema}");
        ISearchSpace space;
        try { space = SearchSpaces.Create(doc.Space, doc.Size); }
        catch (ArgumentException e) { throw new InvalidArchitectureException($"architecture file: {e.Message}"); }
        var arch = new Architecture(space.Name, ImmutableArray.Create(doc.Tokens));
        space.Validate(arch);
        if (space is MacroSpace macro) MacroSkipIndexing.CheckFile(macro, arch, doc.SkipIndexing);
        return (space, arch);
    }
}
