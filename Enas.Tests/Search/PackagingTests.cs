using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Enas.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>
/// <c>dotnet pack</c> gives a library package with its README, licence, XML docs and dependencies, and the
/// <c>enas</c> .NET tool installs from a local folder and runs (the README's install commands).
/// </summary>
public sealed class PackagingTests(ITestOutputHelper output)
{
    private static string RepoRoot =>
        Checkout.Root ?? throw new InvalidOperationException("Enas.sln not found above the test binaries");

    [Fact]
    public void PackedToolInstallsAndRunsAndTheLibraryPackageCarriesItsMetadata()
    {
        using var tmp = new TempFolder();
        string feed = tmp["feed"];
        Dotnet($"pack {Path.Combine(RepoRoot, "Enas.Search/Enas.Search.csproj")} -c Release -o {feed} -p:IncludeSymbols=false");

        using (var zip = ZipFile.OpenRead(Path.Combine(feed, "Enas.Search.0.1.0.nupkg")))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", names);
            Assert.Contains("LICENSE", names);
            Assert.Contains("lib/net10.0/Enas.Search.dll", names);
            Assert.Contains("lib/net10.0/Enas.Search.xml", names);
            using var nuspec = zip.GetEntry("Enas.Search.nuspec")!.Open();
            var doc = XDocument.Load(nuspec);
            var ns = doc.Root!.Name.Namespace;
            var meta = doc.Root.Element(ns + "metadata")!;
            Assert.Equal("MIT", meta.Element(ns + "license")!.Value);
            Assert.Equal("README.md", meta.Element(ns + "readme")!.Value);
            Assert.Contains(meta.Descendants(ns + "dependency"), d => (string?)d.Attribute("id") == "Enas.Engine");
        }

        // The tool is packed under a version of its own, so that the install takes this build's package and never an
        // Enas.Tool 0.1.0 that NuGet's global cache kept from an earlier pack (or that another checkout is packing).
        string version = $"0.1.0-test.{Guid.NewGuid():N}";
        Dotnet($"pack {Path.Combine(RepoRoot, "Enas.Tool/Enas.Tool.csproj")} -c Release -o {feed} -p:IncludeSymbols=false -p:PackageVersion={version}");
        string tools = tmp["tools"];
        try
        {
            Dotnet($"tool install Enas.Tool --tool-path {tools} --add-source {feed} --version {version}");
        }
        finally
        {
            string cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "enas.tool", version);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
        var (code, stdout, stderr) = Exec(Path.Combine(tools, "enas"), "--help");
        Assert.True(code == 0, stderr);
        Assert.Contains("--cells", stdout);
        Assert.Contains("train", stdout);
        (code, stdout, stderr) = Exec(Path.Combine(tools, "enas"), "--cells 0");
        Assert.Equal(2, code);
        Assert.Contains("--cells", stderr);
    }

    private void Dotnet(string arguments)
    {
        var (code, stdout, stderr) = Exec("dotnet", arguments);
        Assert.True(code == 0, $"dotnet {arguments} failed ({code}):\n{stdout}\n{stderr}");
    }

    private (int Code, string Out, string Err) Exec(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} ran over 5 minutes");
        }
        output.WriteLine($"$ {file} {arguments}\nexit {process.ExitCode}\n{stdout.Result}{stderr.Result}");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
