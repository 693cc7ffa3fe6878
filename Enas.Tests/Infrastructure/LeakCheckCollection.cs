namespace Enas.Tests.Infrastructure;

/// <summary>
/// Tests that compare the process-wide <c>IBackend.LiveBufferCount</c> before and after some work must not run next
/// to other tests (which allocate concurrently). Mark such a class <c>[Collection(LeakCheckCollection.Name)]</c>:
/// xunit runs this collection alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LeakCheckCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "LeakChecks";
}
