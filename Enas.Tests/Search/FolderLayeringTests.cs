using System.Text.RegularExpressions;
using Enas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>
/// A type-reference scan of Enas.Search's sources: which namespace (folder) names a type declared in which other one.
/// No two folders may name each other, directly or around a cycle (the Spaces/Rnn, Cli/Rnn and Drawing/Rnn loops of
/// the recurrent wing must not come back).
/// </summary>
public sealed partial class FolderLayeringTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?:struct\s+)?([A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"//.*|""(?:[^""\\]|\\.)*""")]
    private static partial Regex CommentOrString();

    [GeneratedRegex(@"\b[A-Z]\w+\b")]
    private static partial Regex Word();

    private static string? SearchSources() => Checkout.Root is { } root ? Path.Combine(root, "Enas.Search") : null;

    [Fact]
    public void NoFolderOfEnasSearchNamesOneThatNamesItBack()
    {
        string? root = SearchSources();
        Assert.True(root is not null && Directory.Exists(root), "the test runs from a checkout (Enas.sln above the test binaries)");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Text: File.ReadAllText(f), Path: f)).ToList();
        string NamespaceOf(string text) => Namespace().Match(text) is { Success: true } m ? m.Groups[1].Value : "";
        var owners = files.SelectMany(f => Declaration().Matches(f.Text).Select(m => (Type: m.Groups[1].Value, Ns: NamespaceOf(f.Text))))
            .GroupBy(d => d.Type).Where(g => g.Select(d => d.Ns).Distinct().Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Ns);
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var (text, _) in files)
        {
            string ns = NamespaceOf(text);
            var targets = edges.TryGetValue(ns, out var set) ? set : edges[ns] = [];
            foreach (Match w in Word().Matches(CommentOrString().Replace(text, "")))
                if (owners.TryGetValue(w.Value, out var owner) && owner != ns) targets.Add(owner);
        }
        foreach (var (from, to) in edges.OrderBy(e => e.Key)) output.WriteLine($"{from} -> {string.Join(", ", to.Order())}");
        // A cycle exists when some folder reaches itself.
        foreach (string start in edges.Keys)
        {
            var seen = new HashSet<string>();
            var stack = new Stack<(string Ns, string Path)>(edges[start].Select(n => (n, $"{start} -> {n}")));
            while (stack.Count > 0)
            {
                var (ns, path) = stack.Pop();
                Assert.False(ns == start, $"folder-level import loop: {path}");
                if (seen.Add(ns) && edges.TryGetValue(ns, out var next))
                    foreach (string n in next) stack.Push((n, $"{path} -> {n}"));
            }
        }
    }
}
