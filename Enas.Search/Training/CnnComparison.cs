using System.Collections.Immutable;
using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network;
using Enas.Search.Randomness;
using Enas.Search.Reporting;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary><c>--compare</c> settings of a CNN search.</summary>
public sealed record CompareOptions
{
    /// <summary>Training seeds: the run's seed, seed + 1, ... (every model is trained once per seed).</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Uniformly random architectures of the searched space per seed (new ones for every seed).</summary>
    public int RandomArchitectures { get; init; } = 3;
}

/// <summary>One model of a comparison: its role, the architecture and the retraining it gets.</summary>
public sealed record ComparisonJob(string Role, ISearchSpace Space, Architecture Architecture, ulong Seed, SearchOptions Options)
{
    /// <summary>The model's name in the table (the official architecture string).</summary>
    public string Model => Architecture.ToOfficialString();
}

/// <summary>
/// Answers "was the search worth it?" (<c>--compare</c>): the searched architecture, N architectures drawn uniformly
/// from the same space, the published ENAS architecture of the space (when the space has that size) and a hand-made
/// CNN, each trained from scratch as <c>train</c> would (the run's retrain settings, the whole training set, test
/// accuracy at the end) with the same seeds. The hand-made CNN is VGG-style: <see cref="HandmadeLayers"/> dense 3x3
/// convolutions (ReLU-conv-BN) with the macro network's stem, factorised reductions and classifier, no skips, its
/// width chosen so its parameter count is the closest to the searched network's. The table is saved after every model,
/// and a rerun skips the models already in it.
/// </summary>
public static class CnnComparison
{
    /// <summary>Layers of the hand-made CNN.</summary>
    public const int HandmadeLayers = 6;

    /// <summary>Roles, in training order within a seed.</summary>
    public static readonly string[] Roles = ["searched", "random", "published", "handmade"];

    /// <summary>Every model to train, seed by seed.</summary>
    public static IReadOnlyList<ComparisonJob> Plan(ISearchSpace space, Architecture searched, SearchOptions o, CompareOptions compare,
        ImageDataset train)
    {
        var jobs = new List<ComparisonJob>();
        var handmade = Handmade(space, searched, o, train);
        var published = Published(space);
        for (int k = 0; k < compare.Seeds; k++)
        {
            ulong seed = o.Seed + (ulong)k;
            var run = o with { Seed = seed };
            jobs.Add(new ComparisonJob("searched", space, searched, seed, run));
            foreach (var random in RandomArchitectures(space, seed, compare.RandomArchitectures))
                jobs.Add(new ComparisonJob("random", space, random, seed, run));
            if (published is not null) jobs.Add(new ComparisonJob("published", space, published, seed, run));
            jobs.Add(handmade.Job with { Seed = seed, Options = handmade.Job.Options with { Seed = seed } });
        }
        return jobs;
    }

    /// <summary>
    /// Trains every job not yet in <paramref name="folder"/>'s comparison.json, saving the table after each; returns it.
    /// Rows of another plan (another searched architecture or settings) are dropped, with a message. Over several ranks
    /// of <paramref name="world"/> the jobs are independent: in each round of N missing jobs rank r trains the r-th, one
    /// all-reduce gives every rank the round's results, and rank 0 alone saves the table after each round.
    /// </summary>
    public static ComparisonTable Run(IReadOnlyList<ComparisonJob> jobs, ImageDataset train, ImageDataset test, Device device,
        string folder, ProgressReporter progress, ICommunicator? world = null)
    {
        world ??= SingleProcessCommunicator.Instance;
        var table = ComparisonTable.Load(folder, "test accuracy", higherIsBetter: true, percent: true, reference: "searched");
        int dropped = table.RemoveAll(e => !jobs.Any(j => j.Role == e.Role && j.Model == e.Model && j.Seed == e.Seed));
        if (dropped > 0) progress.Message($"comparison: {dropped} earlier result(s) belong to another plan and were dropped");
        var missing = jobs.Select((job, i) => (Job: job, Number: i + 1)).Where(j => !table.Has(j.Job.Role, j.Job.Model, j.Job.Seed)).ToList();
        for (int start = 0; start < missing.Count; start += world.Size)
        {
            var round = missing.Skip(start).Take(world.Size).ToList();
            progress.Message($"comparison {string.Join(", ", round.Select(j => $"{j.Number}/{jobs.Count}: {j.Job.Role} (seed {j.Job.Seed})"))}");
            var results = SplitWork.Run(world, round.Count, 3, (j, values) => // parameters, test accuracy, seconds per job
            {
                var job = round[j].Job;
                var result = Retrainer.Run(job.Space, job.Architecture, job.Options, train, test, device, metrics: null, progress);
                (values[0], values[1], values[2]) = (result.Parameters, result.TestAccuracy, result.Seconds);
            });
            for (int j = 0; j < round.Count; j++)
            {
                var job = round[j].Job;
                table.Add(new ComparisonEntry(job.Role, job.Model, job.Seed, (long)results[3 * j], results[3 * j + 1], results[3 * j + 2]));
            }
            if (world.Rank == 0) table.Save(folder);
            progress.Message(table.Text());
        }
        if (world.Rank == 0) table.Save(folder);
        return table;
    }

    /// <summary><paramref name="count"/> uniform samples of <paramref name="space"/> for training seed <paramref name="seed"/>.</summary>
    public static IReadOnlyList<Architecture> RandomArchitectures(ISearchSpace space, ulong seed, int count)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Tape.NoGrad();
        var uniform = new RandomController(space);
        var rng = new XoshiroRandom(SeedStreams.CompareRandomArchitectures(seed));
        return [.. Enumerable.Range(0, count).Select(_ => uniform.Sample(rng).Architecture)];
    }

    /// <summary>The published ENAS architecture of <paramref name="space"/>, when the space has its size.</summary>
    public static Architecture? Published(ISearchSpace space) => space switch
    {
        MicroSpace { Nodes: 5 } => Architecture.ParseOfficial(space, SearchSpaces.PublishedMicro),
        MacroSpace { Layers: 24 } => Architecture.ParseOfficial(space, SearchSpaces.PublishedMacro),
        _ => null,
    };

    /// <summary>
    /// The hand-made CNN's job (seed still to be set) and its width: the width whose parameter count is closest to the
    /// searched architecture's at the run's retrain settings.
    /// </summary>
    public static (ComparisonJob Job, int Channels) Handmade(ISearchSpace space, Architecture searched, SearchOptions o, ImageDataset train)
    {
        long target = Parameters(space, searched, o, train);
        var plain = new MacroSpace(HandmadeLayers);
        var arch = new Architecture(plain.Name, [.. new int[plain.Decisions.Count]]); // conv 3x3 everywhere, no skips
        SearchOptions At(int c) => o with { Space = plain.Name, Layers = HandmadeLayers, Retrain = o.Retrain with { Channels = c } };
        var counted = new Dictionary<int, long>(); // each width is built once
        long CountAt(int c) => counted.TryGetValue(c, out long n) ? n : counted[c] = Parameters(plain, arch, At(c), train);
        // Parameters grow with the width: bracket the target by doubling (small nets first), then bisect to the
        // smallest width reaching it, and take it or the width below, whichever is closer.
        int lo = 2, hi = 4;
        while (hi < 4096 && CountAt(hi) < target) (lo, hi) = (hi, hi * 2);
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (CountAt(mid) < target) lo = mid + 1; else hi = mid;
        }
        int best = lo > 2 && target - CountAt(lo - 1) < CountAt(lo) - target ? lo - 1 : lo;
        return (new ComparisonJob("handmade", plain, arch, o.Seed, At(best)), best);
    }

    private static long Parameters(ISearchSpace space, Architecture arch, SearchOptions o, ImageDataset train)
    {
        using var scope = TensorScope.Begin();
        using var fresh = new FreshWeights(0, Device.Cpu);
        return ChildBuilder.Build(space, arch, Retrainer.Network(space, o, train), fresh, Device.Cpu).ParameterCount;
    }
}
