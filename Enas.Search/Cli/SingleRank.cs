using Enas.Search.Distributed;

namespace Enas.Search.Cli;

/// <summary>The commands that do not run data-parallel yet refuse a job of several ranks (the searches and train do).</summary>
internal static class SingleRank
{
    /// <summary>Refuses <paramref name="what"/> when this process is one of several ranks, saying to run it without mpirun.</summary>
    /// <exception cref="CliException">This process is one of several ranks.</exception>
    public static void Require(string what)
    {
        var world = World.Communicator;
        if (world.Size > 1)
            throw new CliException($"{what} does not run data-parallel yet (the searches and train do): run it without mpirun, " +
                                   $"not on {world.Size} ranks");
    }
}
