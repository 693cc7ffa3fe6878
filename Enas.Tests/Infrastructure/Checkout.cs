namespace Enas.Tests.Infrastructure;

/// <summary>The source checkout the tests were built from.</summary>
public static class Checkout
{
    /// <summary>The folder holding Enas.sln above the test binaries, or null when the tests run outside a checkout.</summary>
    public static string? Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Enas.sln"))) dir = dir.Parent;
            return dir?.FullName;
        }
    }
}
