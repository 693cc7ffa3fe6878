using Enas.Search.Cli;
using Xunit.Abstractions;

namespace Enas.Tests.Infrastructure;

/// <summary>Runs the CLI in-process, capturing its exit code, standard output and standard error.</summary>
public static class CliRun
{
    /// <summary>Runs <c>enas args</c> without live progress; logs the transcript to <paramref name="log"/> when given.</summary>
    public static (int Code, string Out, string Err) Run(ITestOutputHelper? log, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e, live: false);
        log?.WriteLine($"$ enas {string.Join(' ', args)}\n{o}{e}exit {code}");
        return (code, o.ToString(), e.ToString());
    }
}
