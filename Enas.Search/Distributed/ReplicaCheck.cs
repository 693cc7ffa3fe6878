using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Enas.Engine.Serialization;

namespace Enas.Search.Distributed;

/// <summary>A rank of a data-parallel job does not hold what rank 0 holds at the start.</summary>
public sealed class ReplicaMismatchException(string message) : Exception(message);

/// <summary>
/// Proves at the start of a data-parallel run that every rank holds the same replica: each rank hashes (SHA-256) its
/// tensors and generator states, rank 0's hash is broadcast, and one all-reduce counts the ranks whose hash differs,
/// so all ranks stop together, with the same message, when any differs.
/// </summary>
public static class ReplicaCheck
{
    /// <summary>The SHA-256 of <paramref name="entries"/> (names, shapes, values) and <paramref name="states"/>.</summary>
    public static byte[] Hash(IEnumerable<CheckpointEntry> entries, IEnumerable<ulong> states)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in entries)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(e.Name));
            hash.AppendData(MemoryMarshal.AsBytes(e.Shape.AsSpan()));
            hash.AppendData(MemoryMarshal.AsBytes(e.Data.AsSpan()));
        }
        foreach (ulong s in states) hash.AppendData(BitConverter.GetBytes(s));
        return hash.GetHashAndReset();
    }

    /// <summary>Compares this rank's <paramref name="hash"/> with rank 0's over <paramref name="communicator"/>
    /// (collective: every rank calls it).</summary>
    /// <exception cref="ReplicaMismatchException">On every rank, when any rank's hash differs from rank 0's.</exception>
    public static void Verify(ICommunicator communicator, byte[] hash, string what)
    {
        if (communicator.Size == 1) return;
        var root = (byte[])hash.Clone();
        communicator.Broadcast(root);
        Span<double> differing = [root.AsSpan().SequenceEqual(hash) ? 0 : 1];
        communicator.AllReduceSum(differing);
        if (differing[0] > 0)
            throw new ReplicaMismatchException($"{differing[0]:0} of the {communicator.Size} ranks start with {what} that differ from rank 0's " +
                                               $"(SHA-256 {Convert.ToHexString(root)[..16]}...): every rank must run the same build with the " +
                                               "same options, data and device kind; start the job again with identical ranks");
    }
}
