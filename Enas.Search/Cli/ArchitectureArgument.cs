using Enas.Search.Spaces;

namespace Enas.Search.Cli;

/// <summary>
/// The value of <c>--arch</c>: an architecture JSON (a search's <c>best-architecture.json</c>, or a file holding only
/// <c>"official"</c>), a text file whose first lines are an official ENAS integer string (a search's
/// <c>best-architecture.txt</c>, a published arc pasted into a file), or the integer string itself. Where the file
/// does not name the space, it is <c>--space</c>, or inferred from the token count where only one CNN space fits.
/// </summary>
internal static class ArchitectureArgument
{
    /// <summary>The spaces whose architectures train, eval and the CNN search take.</summary>
    public static readonly IReadOnlyList<string> CnnSpaces = [MicroSpace.SpaceName, MacroSpace.SpaceName];

    /// <summary>Reads <paramref name="value"/>; <paramref name="space"/> is the space the user named (null or empty:
    /// infer it).</summary>
    /// <exception cref="CliException">The file is missing or unreadable, or the architecture is no CNN architecture.</exception>
    /// <exception cref="InvalidArchitectureException">The architecture does not fit its space, or fits several.</exception>
    public static (ISearchSpace Space, Architecture Architecture) Read(string value, string? space)
    {
        space = string.IsNullOrEmpty(space) ? null : space;
        if (space is not null && !CnnSpaces.Contains(space))
            throw new CliException($"--space {space}: architectures for train, eval and --arch are micro or macro; " +
                                   "a recurrent cell trains with --space rnn --cell \"<tokens>\" --data DIR");
        var (what, text) = Source(value);
        (ISearchSpace Space, Architecture Architecture) read;
        if (text.TrimStart().StartsWith('{'))
        {
            try { read = ArchitectureJson.Deserialize(text, space is null ? CnnSpaces : [space]); }
            catch (InvalidArchitectureException e) { throw new InvalidArchitectureException($"{what}: {e.Message}", e.Position); }
            if (space is not null && read.Space.Name != space)
                throw new CliException($"{what} holds {OfficialArchitecture.SizeText(read.Space)}, not a {space} one; " +
                                       "leave out --space (the file names its space) or give the matching file");
        }
        else
        {
            var tokens = OfficialArchitecture.ParseTokens(IntegerLines(text, what), what);
            try { read = OfficialArchitecture.Resolve(tokens, space, CnnSpaces, what, "pass {0}"); }
            catch (InvalidArchitectureException) when (space is null && IsCell(tokens))
            {
                read = OfficialArchitecture.Resolve(tokens, RnnSpace.SpaceName, [RnnSpace.SpaceName], what, "{0}");
            }
        }
        if (read.Space is RnnSpace)
            throw new CliException($"{what} is {OfficialArchitecture.SizeText(read.Space)}; train it with " +
                                   $"--space rnn --cell \"{read.Architecture.ToOfficialString()}\" --data DIR");
        return read;
    }

    private static bool IsCell(IReadOnlyList<int> tokens)
    {
        try
        {
            OfficialArchitecture.Resolve(tokens, RnnSpace.SpaceName, [RnnSpace.SpaceName], "", "{0}");
            return true;
        }
        catch (InvalidArchitectureException)
        {
            return false;
        }
    }

    /// <summary>How messages name the value, and its text.</summary>
    private static (string What, string Text) Source(string value)
    {
        if (File.Exists(value))
        {
            try { return ($"--arch {value}", File.ReadAllText(value)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--arch {value}: cannot be read ({e.Message})");
            }
        }
        if (OfficialArchitecture.IsIntegerString(value)) return ("--arch (integer string)", value);
        if (Directory.Exists(value))
            throw new CliException($"--arch {value} is a folder; give the architecture file in it " +
                                   $"({Path.Combine(value, Reporting.RunFolder.BestArchitectureJsonFile)} for a search's run folder)");
        throw new CliException($"--arch {value}: file not found (give a search's best-architecture.json or .txt, " +
                               "or an official ENAS integer string)");
    }

    /// <summary>The integer lines of a text file: after blank lines and '#' comments, every line up to the first
    /// that is not integers (a search's .txt follows its string with a description).</summary>
    private static string IntegerLines(string text, string what)
    {
        var lines = new List<string>();
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            string line = raw.Trim();
            bool integers = OfficialArchitecture.IsIntegerString(line);
            if (integers) lines.Add(line);
            else if (lines.Count > 0) break;
            else if (line.Length > 0 && !line.StartsWith('#'))
                throw new CliException($"{what}: '{Shorten(line)}' is not an official ENAS integer string; expected " +
                                       "whitespace-separated integers (e.g. a search's best-architecture.txt) or JSON");
        }
        if (lines.Count == 0) throw new CliException($"{what} holds no architecture: expected an official ENAS integer string");
        return string.Join(' ', lines);
    }

    private static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "...";
}
