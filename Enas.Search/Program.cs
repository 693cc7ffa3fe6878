using Enas.Search.Cli;

namespace Enas.Search;

/// <summary>Command-line entry point: <c>enas [options]</c> searches; <c>train</c> retrains; <c>eval</c> evaluates.</summary>
public static class Program
{
    /// <summary>Runs the CLI.</summary>
    public static int Main(string[] args)
    {
        using var interruption = Interruption.Install(Console.Error);
        return CliApp.Run(args, Console.Out, Console.Error);
    }
}
