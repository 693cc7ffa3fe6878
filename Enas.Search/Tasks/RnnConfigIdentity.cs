namespace Enas.Search.Tasks;

/// <summary>
/// The configuration a recurrent search checkpoint was written with (the options record's text form) and the check
/// that a resume continues the same training. Options that only steer derive (how many candidates, how they are scored
/// or trained) and --epochs (upwards) may change on resume; an option added by a later version must keep its default, which is what the
/// older version did; any other difference refuses the resume and is named.
/// </summary>
internal static class RnnConfigIdentity
{
    private static readonly HashSet<string> MayChange =
        [nameof(RnnSearchOptions.Epochs), // more epochs continue the run (the search loop refuses fewer than it did)
         nameof(RnnSearchOptions.DeriveSamples), nameof(RnnSearchOptions.DeriveWindows),
         nameof(RnnSearchOptions.DeriveTrainTop), nameof(RnnSearchOptions.DeriveTrainEpochs),
         nameof(RnnSearchOptions.EffectiveCellInitRange)]; // the last follows from --hidden and CellInitRange

    /// <summary>The flag that sets each option, for messages.</summary>
    private static readonly Dictionary<string, string> Flags = new()
    {
        [nameof(RnnSearchOptions.Nodes)] = "--nodes", [nameof(RnnSearchOptions.Hidden)] = "--hidden",
        [nameof(RnnSearchOptions.Bptt)] = "--bptt", [nameof(RnnSearchOptions.Epochs)] = "--epochs",
        [nameof(RnnSearchOptions.BatchSize)] = "--batch-size", [nameof(RnnSearchOptions.MaxWindowsPerEpoch)] = "--max-windows",
        [nameof(RnnSearchOptions.RewardWindows)] = "--reward-windows", [nameof(RnnSearchOptions.FirstNodeTanh)] = "--first-node-tanh",
        [nameof(RnnSearchOptions.CellOutput)] = "--cell-output", [nameof(RnnSearchOptions.Controller)] = "--controller",
        [nameof(RnnSearchOptions.ControllerSteps)] = "--controller-steps", [nameof(RnnSearchOptions.Seed)] = "--seed",
        [nameof(RnnSearchOptions.ControllerAggregate)] = "--controller-aggregate",
        ["ControllerSettings.LearningRate"] = "--controller-lr", ["ControllerSettings.AdamEpsilon"] = "--controller-adam-eps",
    };

    /// <summary>The text stored in checkpoints.</summary>
    public static string Of(RnnSearchOptions options) => options.ToString();

    /// <summary>"--flag: checkpoint X, now Y" (or "Setting (no flag): ..." for a setting without one) for every option that keeps <paramref name="current"/> from continuing the
    /// run stored as <paramref name="stored"/>; empty when it may.</summary>
    public static IReadOnlyList<string> Differences(string stored, RnnSearchOptions current)
    {
        var result = new List<string>();
        Compare(stored, Of(current), Of(new RnnSearchOptions()), "", result);
        return result;
    }

    /// <summary>Field by field; nested records (e.g. the controller settings) recursively, so an option added to
    /// one of them is also taken at its default.</summary>
    private static void Compare(string stored, string current, string defaults, string prefix, List<string> result)
    {
        var then = Fields(stored);
        var now = Fields(current);
        var initial = Fields(defaults);
        foreach (string field in now.Keys.Union(then.Keys))
        {
            string name = prefix + field;
            if (prefix.Length == 0 && MayChange.Contains(field)) continue;
            string flag = Flags.GetValueOrDefault(name) ?? $"{name} (a setting without a flag)";
            bool had = then.TryGetValue(field, out string? old);
            bool has = now.TryGetValue(field, out string? value);
            string? byDefault = initial.GetValueOrDefault(field);
            if (had && has && old != value)
            {
                if (IsRecord(old!) && IsRecord(value!) && byDefault is not null && IsRecord(byDefault))
                    Compare(old!, value!, byDefault, name + ".", result);
                else result.Add($"{flag}: checkpoint {Shown(old!)}, now {Shown(value!)}");
            }
            else if (!had && value != byDefault)
                result.Add($"{flag}: not in the checkpoint (written before this option existed, so {byDefault}), now {value}");
            else if (!has) result.Add($"{flag}: checkpoint {old}, unknown to this version");
        }
    }

    private static string Shown(string value) => value.Length == 0 ? "(not set)" : value;

    private static bool IsRecord(string value) => value.EndsWith('}') && value.Contains(" { ", StringComparison.Ordinal);

    /// <summary>Top-level "Name = value" pairs of a record's text form; nested records stay whole values.</summary>
    private static Dictionary<string, string> Fields(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        int open = text.IndexOf('{'), close = text.LastIndexOf('}');
        if (open < 0 || close < open) return fields;
        int depth = 0, start = open + 1;
        for (int i = open + 1; i <= close; i++)
        {
            char ch = text[i];
            if (ch == '{') depth++;
            else if (ch == '}' && i < close) depth--;
            else if ((ch == ',' && depth == 0) || i == close) // a field ends (the last one at the closing brace)
            {
                string part = text[start..i].Trim();
                int eq = part.IndexOf(" = ", StringComparison.Ordinal);
                if (eq > 0) fields[part[..eq]] = part[(eq + 3)..];
                else if (part.EndsWith(" =", StringComparison.Ordinal)) fields[part[..^2]] = ""; // a null value
                start = i + 1;
            }
        }
        return fields;
    }
}
