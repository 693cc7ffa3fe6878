using System.CommandLine;
using System.CommandLine.Parsing;

namespace Enas.Search.Cli;

/// <summary>
/// What is wrong with a command line System.CommandLine could not parse, as one line that names the flag and the value
/// it expects (never a .NET type name), followed by a one-line hint. Exit code <see cref="CliApp.UsageError"/>.
/// </summary>
internal static class ParseErrorReport
{
    /// <summary>Writes the first error of <paramref name="parse"/> and the hint; returns the exit code.</summary>
    public static int Write(ParseResult parse, TextWriter stderr)
    {
        stderr.WriteLine($"error: {Describe(parse)}");
        var command = parse.CommandResult.Command;
        string help = command is RootCommand ? "--help" : $"{command.Name} --help";
        stderr.WriteLine($"see {help} for the options and their defaults");
        return CliApp.UsageError;
    }

    /// <summary>The first error as one line.</summary>
    internal static string Describe(ParseResult parse)
    {
        var error = parse.Errors[0];
        var command = parse.CommandResult.Command;
        if (OptionOf(error.SymbolResult) is { } given)
        {
            var option = given.Option;
            if (given.IdentifierTokenCount == 0) return $"{Display(command)} needs {option.Name}";
            var tokens = error.SymbolResult!.Tokens;
            string? expected = Expected(option);
            if (tokens.Count == 0) return expected is null ? $"{option.Name} needs a value" : $"{option.Name} needs a value: {expected}";
            return $"{option.Name} expects {expected ?? "one value"}, got '{string.Join(' ', tokens.Select(t => t.Value))}'";
        }
        if (parse.UnmatchedTokens.Count > 0) return Unmatched(parse.UnmatchedTokens[0], command, parse.RootCommandResult.Command);
        var missing = command.Options.FirstOrDefault(o => o.Required && parse.GetResult(o) is null);
        if (missing is not null) return $"{Display(command)} needs {missing.Name}";
        return error.Message;
    }

    private static OptionResult? OptionOf(SymbolResult? result) => result switch
    {
        OptionResult o => o,
        ArgumentResult { Parent: OptionResult o } => o,
        _ => null,
    };

    /// <summary>What an option's value must be, in words (null: any text).</summary>
    private static string? Expected(Option option)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type == typeof(int)) return "a whole number";
        if (type == typeof(ulong)) return "a whole number >= 0";
        if (type == typeof(double)) return "a number (e.g. 0.05 or 1e-3)";
        if (type == typeof(bool)) return "no value (it is a switch), or true or false";
        return null;
    }

    private static string Unmatched(string token, Command command, Command root)
    {
        if (!token.StartsWith('-'))
        {
            string commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
            return $"unexpected argument '{token}' (commands: {commands}; options start with --; a value with spaces needs quotes)";
        }
        string name = token.Split('=', ':')[0];
        var elsewhere = Commands(root).Where(c => c != command && c.Options.Any(o => o.Name == name)).Select(Display).ToList();
        if (elsewhere.Count > 0)
            return $"{Display(command)} does not take {name} (it is an option of {string.Join(" and ", elsewhere)})";
        var closest = command.Options.Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .MinBy(n => Distance(n, name));
        return closest is not null && Distance(closest, name) <= 2
            ? $"unknown option '{token}' (did you mean {closest}?)"
            : $"unknown option '{token}'";
    }

    private static IEnumerable<Command> Commands(Command root) => [root, .. root.Subcommands];

    private static string Display(Command command) => command is RootCommand ? "the search" : command.Name;

    /// <summary>Levenshtein distance (the option names are short).</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
