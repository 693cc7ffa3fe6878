namespace Enas.Tool;

/// <summary>
/// Entry point of the <c>enas</c> .NET tool (<c>dotnet tool install</c>): the same command line as
/// <c>dotnet run --project Enas.Search --</c>, packaged so that users type <c>enas --cells 5</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the Enas command line.</summary>
    public static int Main(string[] args) => Enas.Search.Program.Main(args);
}
