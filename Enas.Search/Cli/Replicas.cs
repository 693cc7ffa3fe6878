using Enas.Search.Distributed;

namespace Enas.Search.Cli;

/// <summary>The checks every command that runs data-parallel under mpirun makes: a run folder every rank can read, and
/// replicas that hold the same state (<see cref="ReplicaCheck"/>). A single process skips both.</summary>
internal static class Replicas
{
    /// <summary>Refuses a job of several ranks without <c>--out</c>: every rank reads the run's checkpoint to resume, so
    /// the folder must be a path they all see (a default name with the time in it could differ between ranks).</summary>
    public static void RequireOut(ICommunicator world, string? outDir, string what)
    {
        if (world.Size > 1 && outDir is null)
            throw new CliException($"{what} on several ranks needs --out DIR (a path every rank sees: they read its checkpoint to resume)");
    }

    /// <summary>Proves that every rank's <paramref name="hash"/> equals rank 0's (computed only on several ranks);
    /// otherwise every rank stops with a message naming <paramref name="what"/> differs.</summary>
    public static void Verify(ICommunicator world, Func<byte[]> hash, string what)
    {
        if (world.Size == 1) return;
        try { ReplicaCheck.Verify(world, hash(), what); }
        catch (ReplicaMismatchException e) { throw new CliException(e.Message); }
    }
}
