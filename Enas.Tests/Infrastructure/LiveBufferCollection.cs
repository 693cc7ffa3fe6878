namespace Enas.Tests.Infrastructure;

/// <summary>
/// Tests that compare the backend's global live-buffer count before and after some work must not overlap with other
/// tests that allocate: put them in this collection, which xunit runs alone after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveBufferCollection
{
    /// <summary>The collection name for [Collection(...)].</summary>
    public const string Name = "LiveBufferCount";
}
