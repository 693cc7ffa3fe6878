using Enas.Search.Cli;
using Enas.Search.Distributed;

namespace Enas.Search;

/// <summary>Command-line entry point: <c>enas [options]</c> searches; <c>train</c> retrains; <c>eval</c> evaluates.
/// Under <c>mpirun</c> every rank runs the same command line (<see cref="World"/>): rank 0 prints and writes, the other
/// ranks print only an error of their own, and a rank that fails stops the whole job with its exit code.</summary>
public static class Program
{
    /// <summary>Runs the CLI.</summary>
    public static int Main(string[] args)
    {
        ICommunicator world;
        try { world = World.Join(); }
        catch (MpiUnavailableException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return CliApp.UsageError;
        }
        using var profile = world.Rank == 0 ? Diagnostics.KernelProfile.FromEnvironment() : null; // ENAS_PROFILE=FILE
        using (world) return world.Size == 1 ? Run(args, Console.Out, Console.Error) : RunRank(world, args);
    }

    private static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var interruption = Interruption.Install(Console.Error);
        return CliApp.Run(args, stdout, stderr);
    }

    /// <summary>One rank of a job of several: a failure (exit code other than 0) calls MPI_Abort, so the ranks still
    /// waiting in a collective stop too and mpirun exits with that code.</summary>
    private static int RunRank(ICommunicator world, string[] args)
    {
        bool root = world.Rank == 0;
        var buffered = root ? null : new StringWriter();
        var errors = buffered ?? Console.Error;
        int code;
        try
        {
            if (args.Length > 0 && args[0] is "eval" or "export" or "report") SingleRank.Require(args[0]);
            code = Run(args, root ? Console.Out : TextWriter.Null, errors);
        }
        catch (CliException e)
        {
            errors.WriteLine($"error: {e.Message}");
            code = CliApp.UsageError;
        }
        catch (Exception e)
        {
            errors.WriteLine($"error: {e}");
            code = 1;
        }
        if (code == 0) return 0;
        if (buffered is not null)
            foreach (var line in buffered.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Console.Error.WriteLine($"rank {world.Rank} of {world.Size}: {line}");
        Console.Error.Flush();
        world.AbortAll(code);
        return code;
    }
}
