namespace Enas.Search.Training;

/// <summary>What a finished search reports (also written as <c>summary.json</c>).</summary>
public sealed record SearchSummary
{
    /// <summary>Best architecture, official string.</summary>
    public string BestArchitecture { get; init; } = "";
    /// <summary>Readable genotype.</summary>
    public string Description { get; init; } = "";
    /// <summary>Its accuracy with the shared search weights on the derive batches (NOT a final accuracy).</summary>
    public double SharedWeightAccuracy { get; init; }
    /// <summary>Shared parameter count.</summary>
    public long SharedParameters { get; init; }
    /// <summary>Wall time of the search in seconds (this process only when resumed).</summary>
    public double Seconds { get; init; }
    /// <summary>The policy's derive samples against uniform ones on the same batches (null for the random controller).</summary>
    public PolicyVsUniform? PolicyVsUniform { get; init; }
    /// <summary>Shared-weight against standalone ranking (null unless --rank-check).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RankCheckResult? RankCheck { get; init; }
    /// <summary>Top derived candidates: official string and shared-weight accuracy.</summary>
    public List<TopCandidate> Top { get; init; } = [];
}

/// <summary>One of the policy's top candidates.</summary>
public sealed record TopCandidate(string Architecture, double SharedWeightAccuracy, bool Greedy);
