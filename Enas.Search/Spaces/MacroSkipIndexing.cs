using System.Collections.Immutable;

namespace Enas.Search.Spaces;

/// <summary>
/// What a macro skip bit connects, and the marker that says so in files. As in the authors' <c>general_child.py</c>,
/// the outputs a layer can skip from start with the stem: skip bit j of layer i (j &lt; i) adds the stem output
/// (j = 0) or the output of layer j - 1; the layer's own input (layer i - 1) is never a skip. Enas before this
/// marker read bit j as layer j (so bit i - 1 was the layer's own input and the stem was never reachable): files and
/// checkpoints without the marker mean other networks and are refused, never reinterpreted.
/// </summary>
public static class MacroSkipIndexing
{
    /// <summary>The marker (<c>"skipIndexing"</c> in macro architecture files and macro search configurations) of the
    /// authors' indexing: bit 0 = the stem, bit j = layer j - 1.</summary>
    public const string StemFirst = "stem-first";

    /// <summary>Name of the indexing of files written without the marker: bit j = layer j.</summary>
    public const string Legacy = "layer (no skipIndexing field: Enas before the authors' indexing)";

    /// <summary>The stored output skip bit <paramref name="bit"/> reads, as a short label: "stem" or "L{bit - 1}".</summary>
    public static string SourceLabel(int bit) => bit == 0 ? "stem" : $"L{bit - 1}";

    /// <summary>
    /// The architecture that builds, in the authors' indexing, the network the legacy tokens <paramref name="legacy"/>
    /// built (legacy bit j of layer i becomes bit j + 1), and the layers whose legacy skip from their own input
    /// (legacy bit i - 1) has no equivalent and was dropped (empty when the conversion is exact).
    /// </summary>
    public static (Architecture Converted, IReadOnlyList<int> Dropped) FromLegacy(MacroSpace space, Architecture legacy)
    {
        var layers = space.Decode(legacy);
        var converted = new List<MacroLayer>(layers.Length);
        var dropped = new List<int>();
        for (int i = 0; i < layers.Length; i++)
        {
            var old = layers[i].Skips;
            var bits = ImmutableArray.CreateBuilder<bool>(i);
            if (i > 0) bits.Add(false); // the stem was never reachable
            for (int j = 0; j + 1 < i; j++) bits.Add(old[j]);
            if (i > 0 && old[i - 1]) dropped.Add(i);
            converted.Add(layers[i] with { Skips = bits.MoveToImmutable() });
        }
        return (space.Encode(converted), dropped);
    }

    /// <summary>Checks the marker of a macro architecture file; throws with what the file meant and what to do when
    /// it is missing or unknown.</summary>
    public static void CheckFile(MacroSpace space, Architecture tokens, string? marker)
    {
        if (marker == StemFirst) return;
        if (marker is not null)
            throw new InvalidArchitectureException(
                $"macro architecture file has \"skipIndexing\": \"{marker}\"; this build reads only \"{StemFirst}\" " +
                "(skip bit 0 = the stem, bit j = the output of layer j - 1, as in the authors' general_child.py)");
        var (converted, dropped) = FromLegacy(space, tokens);
        string loss = dropped.Count == 0
            ? "exactly"
            : $"except the skips of layer(s) {string.Join(", ", dropped)} from their own input, which have no equivalent and are dropped";
        throw new InvalidArchitectureException(
            "macro architecture file has no \"skipIndexing\" field: it was written by an Enas that read skip bit j as " +
            "layer j, while this build reads bits as the authors' code does (\"skipIndexing\": \"stem-first\": bit 0 = " +
            "the stem, bit j = layer j - 1), so its tokens are not reinterpreted. To keep the network it described, " +
            $"replace \"tokens\" by [{string.Join(", ", converted.Tokens)}] (the same network {loss}) and add " +
            $"\"skipIndexing\": \"{StemFirst}\"; to read the tokens as the authors' code does, only add that field");
    }

    /// <summary>The reason a macro search whose stored configuration has <paramref name="marker"/> cannot be continued
    /// by this build, or null when it can.</summary>
    public static string? ResumeProblem(string? marker) => marker == StemFirst
        ? null
        : $"the macro search there was written with skip indexing {(marker is null ? Legacy : $"\"{marker}\"")}; this build " +
          $"reads \"skipIndexing\": \"{StemFirst}\" (skip bit 0 = the stem, bit j = layer j - 1, as in the authors' code), " +
          "so its shared weights and controller belong to other networks and it cannot continue. Start a new search with " +
          "another --out, or finish this one with the Enas version that started it";
}
