namespace Enas.Search;

/// <summary>Command-line entry point (the search CLI lands with the CNN search issue).</summary>
public static class Program
{
    /// <summary>Runs the CLI.</summary>
    public static int Main(string[] args)
    {
        Console.WriteLine("Enas: the search command is not available yet; run the tests with `dotnet test Enas.Tests`.");
        return args.Length == 0 ? 0 : 2;
    }
}
