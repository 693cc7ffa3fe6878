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

    /// <summary>Parses and runs; <paramref name="live"/> forces (or disables) in-place progress (tests pass false).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool? live = null)
    {
        var search = new SearchCliOptions();
        var root = new RootCommand(
            "ENAS (Efficient Neural Architecture Search, Pham et al. 2018) on the Enas engine. Without a subcommand: " +
            "search (default: micro cells on Fashion-MNIST, sized for a 2-core CPU), derive the best architecture and " +
            "print the command that retrains it.");
        foreach (var o in search.All()) root.Options.Add(o);
        var rnn = new Rnn.RnnCliOptions();
        foreach (var o in rnn.All()) root.Options.Add(o);
        root.SetAction(p => Guard(stderr, () => rnn.Applies(p, search)
            ? Rnn.RnnCliAction.Run(rnn.Bind(p, search), stdout, live)
            : RunCnnSearch(p)));
        int RunCnnSearch(ParseResult p)
        {
            rnn.RefuseOnCnnSearch(p);
            string? outDir = p.GetValue(search.Out);
            if (!p.GetValue(search.Resume)) return SearchAction.Run(search.Bind(p), outDir, resume: false, stdout, live);
            var stored = SearchAction.StoredOptions(outDir);
            return SearchAction.Run(search.Bind(p, stored), outDir, resume: true, stdout, live);
        }

        var arch = new Option<string?>("--arch") { Description = "Architecture file (best-architecture.json from a search); not needed with --resume" };
        var train = new Command("train", "Train an architecture from scratch with fresh weights (whole training set, augmentation; drop-path and aux head for micro) and report test accuracy");
        var t = new TrainCliOptions();
        train.Options.Add(arch);
        foreach (var o in t.All()) train.Options.Add(o);
        train.Options.Add(t.Resume);
        train.SetAction(p => Guard(stderr, () => p.GetValue(t.Resume)
            ? TrainAction.Resume(t.Bind(p, TrainAction.StoredOptions(p.GetValue(t.Out))), p.GetValue(arch), p.GetValue(t.Out)!, stdout, live)
            : TrainAction.Train(t.Bind(p), p.GetValue(arch) ?? throw new CliException("train needs --arch FILE (best-architecture.json from a search), or --resume --out DIR to continue a train run"),
                p.GetValue(t.Out), stdout, live)));
        root.Subcommands.Add(train);

        var evalArch = new Option<string>("--arch") { Description = "Architecture file", Required = true };
        var model = new Option<string>("--model") { Description = "model.ckpt written by train", Required = true };
        var eval = new Command("eval", "Test accuracy of a model saved by train (pass the same --dataset/--channels/--layers)");
        var e = new TrainCliOptions();
        eval.Options.Add(evalArch);
        eval.Options.Add(model);
        foreach (var o in e.All()) eval.Options.Add(o);
        eval.SetAction(p => Guard(stderr, () => TrainAction.Eval(e.Bind(p), p.GetValue(evalArch)!, p.GetValue(model)!, stdout)));
        root.Subcommands.Add(eval);

        return root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static int Guard(TextWriter stderr, Func<int> body)
    {
        try { return body(); }
        catch (Exception e) when (e is CliException or InvalidArchitectureException or DatasetException or RunFolderException
                                      or InvalidDataException or FileNotFoundException or ArgumentException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (TrainingDivergedException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Diverged;
        }
        catch (NonFiniteLossException e)
        {
            stderr.WriteLine($"error: {e.Message}. Training stopped; the last good checkpoint is kept (try a lower learning rate).");
            return Diverged;
        }
    }
}
