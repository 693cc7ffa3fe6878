using System.CommandLine;
using Enas.Search.Data;
using Enas.Search.Reporting;
using Enas.Search.Spaces;
using Enas.Search.Training;

namespace Enas.Search.Cli;

/// <summary>Builds the System.CommandLine tree and maps user errors to messages and exit codes.</summary>
public static class CliApp
{
    /// <summary>Exit code of a user error (bad flag, bad data, bad architecture, bad run folder).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code when training diverged (NaN/inf loss).</summary>
    public const int Diverged = 3;

    /// <summary>How the printed commands run the CLI: <c>enas</c> when running as the installed .NET tool (whose
    /// entry assembly is named <c>enas</c>), else the README's <c>dotnet run</c> form.</summary>
    public static string Invocation { get; } =
        System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "enas" ? "enas" : "dotnet run -c Release --project Enas.Search --";

    /// <summary><paramref name="path"/> quoted for a shell when it holds a space.</summary>
    public static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;

    /// <summary>Parses and runs; <paramref name="live"/> forces (or disables) in-place progress (tests pass false).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool? live = null)
    {
        var search = new SearchCliOptions();
        var root = new RootCommand(
            "ENAS (Efficient Neural Architecture Search, Pham et al. 2018) on the Enas engine. Without a subcommand: " +
            "search (default: micro cells on Fashion-MNIST, sized for a 2-core CPU), derive the best architecture and " +
            "print the command that retrains it.");
        foreach (var o in search.All()) root.Options.Add(o);
        var rnn = new RnnCliOptions();
        foreach (var o in rnn.All()) root.Options.Add(o);
        root.SetAction(p => Guard(stderr, () => RootAction.Run(p, search, rnn, stdout, live)));

        var (arch, space) = (ArchOption(required: false), SpaceOption());
        var train = new Command("train", "Train an architecture from scratch with fresh weights (whole training set, augmentation; drop-path and aux head for micro) and report test accuracy");
        var t = new TrainCliOptions();
        train.Options.Add(arch);
        train.Options.Add(space);
        foreach (var o in t.All()) train.Options.Add(o);
        train.Options.Add(t.Resume);
        train.Options.Add(t.ExportOnnx);
        train.Validators.Add(r =>
        {
            if (r.GetResult(arch) is null && r.GetResult(t.Resume) is null) r.AddError("train needs --arch");
        });
        train.SetAction(p => Guard(stderr, () => p.GetValue(t.Resume)
            ? TrainAction.Resume(t.Bind(p, TrainAction.StoredOptions(p.GetValue(t.Out))), p.GetValue(arch), p.GetValue(t.Out)!, stdout, live,
                exportOnnx: p.GetValue(t.ExportOnnx))
            : TrainAction.Train(t.Bind(p) with { Space = p.GetValue(space) ?? "" },
                p.GetValue(arch)!,
                p.GetValue(t.Out), stdout, live, exportOnnx: p.GetValue(t.ExportOnnx))));
        root.Subcommands.Add(train);

        var (evalArch, evalSpace) = (ArchOption(), SpaceOption());
        var model = new Option<string>("--model") { Description = "model.ckpt written by train", Required = true };
        var eval = new Command("eval", "Test accuracy of a model saved by train (pass the same --dataset/--channels/--layers/--network)");
        var e = new TrainCliOptions();
        eval.Options.Add(evalArch);
        eval.Options.Add(model);
        eval.Options.Add(evalSpace);
        foreach (var o in e.ForEval()) eval.Options.Add(o);
        eval.SetAction(p => Guard(stderr, () => TrainAction.Eval(e.Bind(p) with { Space = p.GetValue(evalSpace) ?? "" },
            p.GetValue(evalArch)!, p.GetValue(model)!, stdout)));
        root.Subcommands.Add(eval);

        var reportOut = new Option<string>("--out") { Description = "The run folder (of a search or of train)", Required = true };
        var report = new Command("report", $"Write {Reporting.RunFolder.ReportFile} into an existing run folder again (runs rewrite it after every epoch): " +
                                           "one self-contained page with the settings, curves, drawings, top architectures, comparison and the next command");
        report.Options.Add(reportOut);
        report.SetAction(p => Guard(stderr, () => RunReports.Command(p.GetValue(reportOut)!, stdout)));
        root.Subcommands.Add(report);

        var exportModel = new Option<string>("--model") { Description = "A train run folder (holding model.ckpt) or the model.ckpt itself", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file to write (replaced atomically)", Required = true };
        var export = new Command("export", "Write a model trained by train as an ONNX model (input images [N, C, H, W] in [0, 1], output logits [N, classes])");
        export.Options.Add(exportModel);
        export.Options.Add(onnx);
        export.SetAction(p => Guard(stderr, () => ExportAction.Run(p.GetValue(exportModel)!, p.GetValue(onnx)!, stdout)));
        root.Subcommands.Add(export);

        var defaults = search.HelpDefaults().Concat(rnn.HelpDefaults()).Concat(t.HelpDefaults())
            .Concat(e.HelpDefaults().Where(d => eval.Options.Contains(d.Option))).ToDictionary(d => d.Option, d => d.Default);
        CliHelp.Install(root, command => command == root ? SearchGroups(search, rnn) : [], defaults);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not CliHelp) return ParseErrorReport.Write(parse, stderr);
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>--arch of train and eval.</summary>
    private static Option<string?> ArchOption(bool required = true) => new("--arch")
    {
        Description = "The architecture: a search's best-architecture.json or .txt, a file holding an official ENAS integer " +
                      "string (a published arc), or that string itself, quoted" + (required ? "" : "; not needed with --resume"),
        Required = required,
    };

    /// <summary>--space of train and eval: how to read an integer string that does not name its space.</summary>
    private static Option<string?> SpaceOption() => new("--space")
    {
        Description = "micro or macro: the space of an --arch integer string or .txt (inferred from its length when only one fits)",
    };

    /// <summary>The root command's options under three headings, as each option declared its search (<see cref="SearchScope"/>):
    /// every search, the CNN search, the recurrent search.</summary>
    private static IReadOnlyList<OptionGroup> SearchGroups(SearchCliOptions search, RnnCliOptions rnn)
    {
        var all = search.All().Concat(rnn.All()).ToList();
        var cnn = SearchScope.Only(all, SearchKind.Cnn);
        var recurrent = SearchScope.Only(all, SearchKind.Recurrent);
        return
        [
            new("Options of every search:", [.. all.Except(cnn).Except(recurrent)]),
            new("CNN search (--space micro or macro):", cnn),
            new("Recurrent search (--space rnn, --dataset ptb or ptb-mini, --data DIR required):", recurrent),
        ];
    }

    private static int Guard(TextWriter stderr, Func<int> body)
    {
        try { return body(); }
        catch (Exception e) when (e is CliException or InvalidArchitectureException or DatasetException or RunFolderException
                                      or InvalidDataException or FileNotFoundException or ArgumentException)
        {
            stderr.WriteLine($"error: {UserMessage(e)}");
            return UsageError;
        }
        catch (TrainingDivergedException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Diverged;
        }
        catch (NonFiniteLossException e)
        {
            stderr.WriteLine($"error: {e.Message}. Training stopped (try a lower learning rate).");
            return Diverged;
        }
        catch (OperationCanceledException e) when (Interruption.IsSignal(e))
        {
            return Interruption.Stopped(stderr);
        }
    }

    /// <summary>The message of <paramref name="e"/> without .NET's " (Parameter 'name')" suffix.</summary>
    private static string UserMessage(Exception e) =>
        e is ArgumentException { ParamName: { } name } && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;
}
