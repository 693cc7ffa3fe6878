namespace Enas.Search.Distributed;

/// <summary>
/// The processes this run belongs to: <see cref="SingleProcessCommunicator"/> unless the process was launched by
/// Open MPI's <c>mpirun</c> (it sets <c>OMPI_COMM_WORLD_SIZE</c>; PMIx launchers set <c>PMIX_RANK</c>), when
/// <see cref="Join"/> starts MPI. Without <c>mpirun</c> no MPI library is loaded and nothing changes.
/// </summary>
public static class World
{
    /// <summary>The communicator of this process (single-process until <see cref="Join"/> started MPI).</summary>
    public static ICommunicator Communicator { get; private set; } = SingleProcessCommunicator.Instance;

    /// <summary>Whether the environment read by <paramref name="variable"/> is that of a process <c>mpirun</c> launched.</summary>
    public static bool UnderMpirun(Func<string, string?> variable) =>
        !string.IsNullOrEmpty(variable("OMPI_COMM_WORLD_SIZE")) || !string.IsNullOrEmpty(variable("PMIX_RANK"));

    /// <summary>Starts MPI when this process runs under <c>mpirun</c> and makes it <see cref="Communicator"/>; the
    /// caller disposes the result (MPI_Finalize) when the program ends.</summary>
    /// <exception cref="MpiUnavailableException">Under mpirun, but Open MPI 4.x cannot be loaded or started.</exception>
    public static ICommunicator Join()
    {
        if (UnderMpirun(Environment.GetEnvironmentVariable)) Communicator = MpiCommunicator.Start();
        return Communicator;
    }
}
