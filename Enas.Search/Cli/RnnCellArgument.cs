using System.Globalization;
using Enas.Search.Spaces;

namespace Enas.Search.Cli;

/// <summary>
/// Turns the value of <c>--cell</c> into a space and a validated cell. Accepted forms:
/// <list type="bullet">
/// <item><c>ptb-final</c>: the arc of the authors' TF <c>scripts/ptb_final.sh</c> (12 nodes);</item>
/// <item><c>enas-lm</c>: the cell published with <c>google-research/enas_lm</c> (9 nodes, node 0 tanh);</item>
/// <item><c>enas-lm:TOKENS</c>: any arc in the <c>enas_lm</c> encoding (per node after node 0: <c>prev func</c>,
/// func 0 tanh, 1 ReLU, 2 sigmoid, 3 identity);</item>
/// <item>TOKENS: an arc in the official TF encoding (2N - 1 integers: node 0's activation, then <c>prev act</c> per
/// node, act 0 tanh, 1 ReLU, 2 identity, 3 sigmoid). N follows from the token count unless <c>--nodes</c> is given,
/// in which case the two must agree.</item>
/// </list>
/// </summary>
internal static class RnnCellArgument
{
    /// <summary>Name of the TF <c>ptb_final.sh</c> cell.</summary>
    public const string PtbFinal = "ptb-final";

    /// <summary>Name of the <c>enas_lm</c> published cell, and prefix of arcs in its encoding.</summary>
    public const string EnasLm = "enas-lm";

    /// <summary>
    /// Resolves <paramref name="value"/>; <paramref name="nodes"/> is <c>--nodes</c> when the user gave it,
    /// <paramref name="firstNodeTanh"/> is <c>--first-node-tanh</c> (always on for enas_lm cells, whose space fixes
    /// node 0 to tanh, so random cells drawn next to them do too).
    /// </summary>
    /// <exception cref="CliException">The node count disagrees with <c>--nodes</c>, or the form is unknown.</exception>
    /// <exception cref="InvalidArchitectureException">The tokens are not a valid cell.</exception>
    public static (RnnSpace Space, Architecture Architecture) Resolve(string value, int? nodes, bool firstNodeTanh)
    {
        string v = value.Trim();
        if (v == EnasLm) v = EnasLm + ":" + RnnSpace.PublishedEnasLm;
        if (v.StartsWith(EnasLm + ":", StringComparison.Ordinal))
        {
            var (lmSpace, lmArch) = RnnSpace.ParseEnasLm(v[(EnasLm.Length + 1)..]);
            CheckNodes(nodes, lmSpace.Nodes, value);
            return (lmSpace, lmArch);
        }
        if (v == PtbFinal) v = RnnSpace.PublishedTfFinal;
        string[] parts = v.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            throw new CliException(
                $"--cell {value}: give an arc of integers in the official TF encoding (e.g. \"0 0 1 1 3\" for 3 nodes), " +
                $"'{PtbFinal}', '{EnasLm}', or '{EnasLm}:TOKENS' for an arc in the enas_lm encoding");
        if (parts.Length % 2 == 0)
            throw new CliException(
                $"--cell has {parts.Length} tokens; an arc in the TF encoding has an odd number (2N - 1 for N nodes: " +
                "node 0's activation, then 'prev act' per node). For the enas_lm encoding write enas-lm:TOKENS");
        int n = (parts.Length + 1) / 2;
        CheckNodes(nodes, n, value);
        var space = new RnnSpace(n, firstNodeTanh);
        return (space, Architecture.ParseOfficial(space, v));
    }

    private static void CheckNodes(int? given, int fromArc, string value)
    {
        if (given is int g && g != fromArc)
            throw new CliException($"--cell {value} has {fromArc} nodes but --nodes says {g}; leave out --nodes or make them agree");
    }
}
