using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Enas.Search.Cli;

/// <summary>Options listed under one heading of the help.</summary>
internal sealed record OptionGroup(string Title, IReadOnlyList<Option> Options);

/// <summary>
/// <c>--help</c>: the command's description and usage, then its options under headings (the root command separates
/// the options of every search from those of the CNN and of the recurrent search), each followed by its default,
/// then the subcommands.
/// </summary>
internal sealed class CliHelp(Func<Command, IReadOnlyList<OptionGroup>> groups, IReadOnlyDictionary<Option, string> defaults)
    : SynchronousCommandLineAction
{
    /// <summary>Replaces the action of <paramref name="root"/>'s help option (used by every subcommand too).</summary>
    public static void Install(RootCommand root, Func<Command, IReadOnlyList<OptionGroup>> groups,
        IReadOnlyDictionary<Option, string> defaults) =>
        root.Options.OfType<HelpOption>().Single().Action = new CliHelp(groups, defaults);

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var output = parseResult.InvocationConfiguration.Output;
        Write(command, parseResult.RootCommandResult.Command, output, Width(output));
        return 0;
    }

    private void Write(Command command, Command root, TextWriter output, int width)
    {
        output.WriteLine("Description:");
        foreach (var line in Wrap(command.Description ?? "", width - 2)) output.WriteLine("  " + line);
        output.WriteLine();
        output.WriteLine("Usage:");
        output.WriteLine(command == root ? $"  {root.Name} [command] [options]" : $"  {root.Name} {command.Name} [options]");
        var all = command.Options.Concat(command == root ? [] : root.Options.Where(o => o.Recursive)).ToList();
        var listed = groups(command).Where(g => g.Options.Count > 0).ToList();
        var rest = all.Except(listed.SelectMany(g => g.Options)).ToList();
        if (rest.Count > 0) listed.Add(new OptionGroup(listed.Count == 0 ? "Options:" : "Other options:", rest));
        var rows = listed.Select(g => (g.Title, Rows: g.Options.Select(o => (Label(o), Text(o))).ToList())).ToList();
        if (command.Subcommands.Count > 0)
            rows.Add(("Commands:", [.. command.Subcommands.Select(c => (c.Name, c.Description ?? ""))]));
        int first = rows.SelectMany(g => g.Rows).Max(r => r.Item1.Length) + 2;
        foreach (var (title, group) in rows)
        {
            output.WriteLine();
            output.WriteLine(title);
            foreach (var (label, text) in group)
            {
                var lines = Wrap(text, Math.Max(30, width - first - 2));
                output.WriteLine($"  {label.PadRight(first)}{lines[0]}".TrimEnd());
                foreach (var more in lines.Skip(1)) output.WriteLine(new string(' ', first + 2) + more);
            }
        }
        output.WriteLine();
    }

    private static string Label(Option option)
    {
        string names = string.Join(", ", option.Aliases.Where(a => a.StartsWith('-')).Order().Append(option.Name));
        return names + (Placeholder(option) is { } value ? $" <{value}>" : "") + (option.Required ? " (REQUIRED)" : "");
    }

    /// <summary>What the value of an option is, as the help writes it (null for a switch).</summary>
    private static string? Placeholder(Option option)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type == typeof(bool) || option.Arity.MaximumNumberOfValues == 0) return null;
        if (option.HelpName is { } name) return name;
        return type == typeof(int) || type == typeof(ulong) ? "N" : type == typeof(double) ? "X" : option.Name.TrimStart('-');
    }

    private string Text(Option option) =>
        (option.Description ?? "") + (defaults.TryGetValue(option, out string? value) ? $" [default: {value}]" : "");

    /// <summary>Words of <paramref name="text"/> in lines of at most <paramref name="width"/> characters.</summary>
    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string> { "" };
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lines[^1].Length > 0 && lines[^1].Length + 1 + word.Length > width) lines.Add("");
            lines[^1] = lines[^1].Length == 0 ? word : lines[^1] + " " + word;
        }
        return lines;
    }

    private static int Width(TextWriter output)
    {
        if (output != Console.Out || Console.IsOutputRedirected) return 120;
        try { return Math.Max(80, Console.WindowWidth); }
        catch (IOException) { return 120; }
    }
}

/// <summary>Formatting shared by the help texts.</summary>
internal static class HelpText
{
    /// <summary>A setting's number as a user would type it: 0.0035, 1e-8.</summary>
    public static string Number(double value)
    {
        string s = value.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        return e < 0 ? s : $"{s[..e]}e{int.Parse(s[(e + 1)..], System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
