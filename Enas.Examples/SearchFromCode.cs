using Enas.Search.Api;
using Enas.Search.Training;

namespace Enas.Examples;

/// <summary>
/// The README's "Use it from .NET code" example, compiled against the public API only: search, get the outcome and the
/// progress reports, retrain the best architecture from scratch. <c>Enas.Tests/Search/LibraryApiTests</c> runs it.
/// </summary>
public static class SearchFromCode
{
    /// <summary>Searches with <paramref name="options"/> in <paramref name="runFolder"/>, reporting to
    /// <paramref name="progress"/>, then retrains the best architecture in <paramref name="runFolder"/>/retrain.</summary>
    /// <param name="options">The search settings (e.g. <c>Presets.Get("cpu") with { Epochs = 2 }</c>).</param>
    /// <param name="runFolder">A new or empty folder.</param>
    /// <param name="progress">Gets every report (epochs, phases, steps).</param>
    /// <param name="cancellationToken">Stops the search at its next step boundary.</param>
    /// <returns>The search's result and the retrained model.</returns>
    public static async Task<(SearchResult Search, RetrainOutcome Model)> SearchAndRetrainAsync(SearchOptions options, string runFolder,
        IProgress<SearchProgress> progress, CancellationToken cancellationToken = default)
    {
        // README: from here ...
        var request = new SearchRequest { Options = options, RunFolder = runFolder };
        SearchResult result = await EnasSearchRunner.RunAsync(request, progress, cancellationToken);
        Console.WriteLine($"{result.Best} (shared-weight accuracy {result.SharedWeightAccuracy:P1}; {result.PolicyVsUniform})");
        RetrainOutcome model = EnasSearchRunner.Retrain(new RetrainRequest
        {
            Architecture = result.Best, Options = options, RunFolder = Path.Combine(runFolder, "retrain"),
        });
        Console.WriteLine($"test accuracy {model.TestAccuracy:P2}, model {model.ModelPath}");
        // ... to here.
        return (result, model);
    }
}
