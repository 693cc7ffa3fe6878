using System.Text.Json.Nodes;
using Enas.Engine;
using Enas.Search.Cli;
using Enas.Search.Data;
using Enas.Search.Loop;
using Enas.Search.Reporting;
using Enas.Search.Tasks;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Rnn;

/// <summary>A recurrent search as the CLI runs it (<see cref="LanguageModelTask"/> driven by the one
/// <see cref="EnasSearch"/> loop) in a run folder of its own, or in <c>folder</c> to resume it there.</summary>
internal sealed class RnnSearchRun : IDisposable
{
    private readonly TempFolder? _temp;
    private readonly ProgressReporter _progress = new(TextWriter.Null, live: false);

    public RnnSearchRun(RnnSearchOptions o, WordCorpus corpus, Device? device = null, string? folder = null)
    {
        if (folder is null) _temp = new TempFolder();
        string path = folder ?? Path.Combine(_temp!.Path, "run");
        Folder = Directory.Exists(path) ? RunFolder.OpenForResume(path, checkpointSuffices: true) : RunFolder.Create(path, "{}");
        (Task, Search) = SearchLoops.Language(o, corpus, device ?? Device.Cpu, Folder, _progress);
    }

    public RunFolder Folder { get; }

    public LanguageModelTask Task { get; }

    public EnasSearch Search { get; }

    /// <summary>The remaining epochs and derive (null when stopped after <paramref name="stopAfterEpochs"/>).</summary>
    public SearchOutcome? Run(int stopAfterEpochs = int.MaxValue) => Search.Run(stopAfterEpochs);

    /// <summary>The "epoch" records of metrics.jsonl.</summary>
    public IReadOnlyList<JsonObject> Epochs =>
        [.. MetricsLog.ReadAll(Folder.MetricsPath).Where(r => (string?)r["kind"] == "epoch")];

    public void Dispose()
    {
        Search.Dispose();
        Task.Dispose();
        _progress.Dispose();
        _temp?.Dispose();
    }
}
