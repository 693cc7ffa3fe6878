using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Enas.Search.Spaces;

/// <summary>The versioned JSON form of an architecture (what <c>best-architecture.json</c> holds).</summary>
public sealed record ArchitectureDocument
{
    /// <summary>Current schema version.</summary>
    public const int CurrentSchema = 1;

    /// <summary>Schema version of this document (null when the file leaves it out: read as the current one).</summary>
    public int? SchemaVersion { get; init; } = CurrentSchema;

    /// <summary>"micro", "macro" or "rnn" (null or empty when the file leaves it out: inferred from the tokens).</summary>
    public string? Space { get; init; }

    /// <summary>Space size (<see cref="ISearchSpace.Size"/>): nodes per cell (micro), layers (macro), cell nodes (rnn);
    /// 0 when the file leaves it out (it follows from the token count).</summary>
    public int Size { get; init; }

    /// <summary>The tokens (official encoding); null when the file gives only <see cref="Official"/>.</summary>
    public int[]? Tokens { get; init; }

    /// <summary>Macro only: what a skip bit reads (<see cref="MacroSkipIndexing.StemFirst"/>); a macro file in this
    /// format ("tokens" with "space" and "size") without it predates the authors' indexing and is refused
    /// (<see cref="MacroSkipIndexing.CheckFile"/>). An official string is in the authors' indexing by definition.</summary>
    public string? SkipIndexing { get; init; }

    /// <summary>The official string; a file may give it instead of <see cref="Tokens"/> (both must then agree).</summary>
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
    /// <summary>Written for people as well as programs: '+' and other characters stay as they are, not \uXXXX.</summary>
    private static readonly ArchitectureJsonContext Readable = new(new JsonSerializerOptions(ArchitectureJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

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
        return JsonSerializer.Serialize(doc, Readable.ArchitectureDocument);
    }

    /// <summary>
    /// Parses a document and returns its space and validated architecture. Only the tokens (or the official string)
    /// are required: a missing schema version reads as the current one, a missing space is inferred among
    /// <paramref name="spaces"/> (all when null) and a missing size follows from the token count.
    /// </summary>
    /// <exception cref="InvalidArchitectureException">The document is not valid JSON, is of another schema version,
    /// has no tokens, or its tokens do not fit (or fit several of) the spaces.</exception>
    public static (ISearchSpace Space, Architecture Architecture) Deserialize(string json, IReadOnlyList<string>? spaces = null)
    {
        ArchitectureDocument? doc;
        try { doc = JsonSerializer.Deserialize(json, ArchitectureJsonContext.Default.ArchitectureDocument); }
        catch (JsonException e) { throw new InvalidArchitectureException($"architecture file is not valid JSON: {e.Message}"); }
        if (doc is null) throw new InvalidArchitectureException("architecture file is empty");
        if (doc.SchemaVersion is { } version && version != ArchitectureDocument.CurrentSchema)
            throw new InvalidArchitectureException(
                $"architecture file has schema version {version}; this build reads version {ArchitectureDocument.CurrentSchema}");
        var tokens = Tokens(doc);
        string? name = string.IsNullOrEmpty(doc.Space) ? null : doc.Space;
        if (name is null || doc.Size == 0)
            return OfficialArchitecture.Resolve(tokens, name, spaces ?? SearchSpaces.Names, "architecture file",
                "add \"space\" to the file (or pass {0})");
        ISearchSpace space;
        try { space = SearchSpaces.Create(name, doc.Size); }
        catch (ArgumentException e) { throw new InvalidArchitectureException($"architecture file: {e.Message}"); }
        var arch = new Architecture(space.Name, tokens);
        space.Validate(arch);
        if (space is MacroSpace macro && doc.Tokens is not null) MacroSkipIndexing.CheckFile(macro, arch, doc.SkipIndexing);
        return (space, arch);
    }

    /// <summary>The document's tokens: "tokens", or "official" when the file gives only that; both must agree.</summary>
    private static ImmutableArray<int> Tokens(ArchitectureDocument doc)
    {
        var official = doc.Official is null ? (ImmutableArray<int>?)null
            : OfficialArchitecture.ParseTokens(doc.Official, "architecture file, \"official\"");
        if (doc.Tokens is null)
            return official ?? throw new InvalidArchitectureException(
                "architecture file has neither \"tokens\" nor \"official\": give the architecture as one of them");
        var tokens = ImmutableArray.Create(doc.Tokens);
        if (official is { } o && !o.SequenceEqual(tokens))
            throw new InvalidArchitectureException(
                "architecture file: \"tokens\" and \"official\" hold different architectures; keep one of them, or make them agree");
        return tokens;
    }
}
