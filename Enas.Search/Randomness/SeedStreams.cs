namespace Enas.Search.Randomness;

/// <summary>
/// The one place that names every random stream of a run and says how its seed follows from the run's
/// <c>--seed</c>. The formulas are those the existing runs and checkpoints were made with, kept as they are so that a
/// seed gives the same results it gave before (changing one changes every number of that stream: that needs a new
/// checkpoint format version). A new stream takes <see cref="New"/> with an id no other stream here uses.
/// </summary>
public static class SeedStreams
{
    /// <summary>A new stream <paramref name="id"/> under <paramref name="seed"/> (SplitMix64 derivation).</summary>
    public static ulong New(ulong seed, ulong id) => SplitMix64.Derive(seed, id);

    // The CNN search (ImageClassificationTask): ten streams mixed from the seed.

    /// <summary>Initial values of the shared weight bank.</summary>
    public static ulong SearchWeights(ulong seed) => SearchMix(seed, 1);

    /// <summary>Initial weights of the controller.</summary>
    public static ulong SearchController(ulong seed) => SearchMix(seed, 2);

    /// <summary>The children sampled for shared-weight training.</summary>
    public static ulong SearchTrainSamples(ulong seed) => SearchMix(seed, 3);

    /// <summary>The controller phase's samples.</summary>
    public static ulong SearchControllerSamples(ulong seed) => SearchMix(seed, 4);

    /// <summary>Dropout and drop-path masks during search.</summary>
    public static ulong SearchDropout(ulong seed) => SearchMix(seed, 5);

    /// <summary>Order and augmentation of the training batches during search.</summary>
    public static ulong SearchTrainBatches(ulong seed) => SearchMix(seed, 6);

    /// <summary>The validation batches the controller's rewards are measured on.</summary>
    public static ulong SearchRewardBatches(ulong seed) => SearchMix(seed, 7);

    /// <summary>The derive batches (fixed order; the seed only names the stream).</summary>
    public static ulong SearchDeriveBatches(ulong seed) => SearchMix(seed, 8);

    /// <summary>The derive's policy samples.</summary>
    public static ulong SearchDerivePolicy(ulong seed) => SearchMix(seed, 9);

    /// <summary>The derive's uniform samples (policy vs uniform).</summary>
    public static ulong SearchDeriveUniform(ulong seed) => SearchMix(seed, 10);

    // Retraining from scratch (train, --compare, the rank check, the recurrent retrain).

    /// <summary>Fresh weights of a retrained CNN.</summary>
    public static ulong RetrainWeights(ulong seed) => seed * 31 + 17;

    /// <summary>Order and augmentation of a CNN retrain's batches.</summary>
    public static ulong RetrainBatches(ulong seed) => seed * 131 + 7;

    /// <summary>Dropout and drop-path masks of a CNN retrain; the weights and masks of a recurrent retrain.</summary>
    public static ulong RetrainMasks(ulong seed) => seed * 7919 + 3;

    // Comparisons and the recurrent search.

    /// <summary>The uniformly random architectures of a CNN <c>--compare</c>.</summary>
    public static ulong CompareRandomArchitectures(ulong seed) => New(seed, 0xC0A1);

    /// <summary>The random cell of a recurrent <c>--compare</c> seed.</summary>
    public static ulong CompareRandomCell(ulong seed) => seed * 104729 + 17;

    /// <summary>The recurrent derive's policy samples.</summary>
    public static ulong RecurrentDerivePolicy(ulong seed) => seed * 31 + 7;

    /// <summary>The recurrent derive's uniform samples.</summary>
    public static ulong RecurrentDeriveUniform(ulong seed) => seed * 31 + 11;

    /// <summary>The recurrent derive-by-training trials: a stream no retrain of the run uses, so a trial's weights and
    /// masks never reappear in the final numbers.</summary>
    public static ulong RecurrentDeriveTrials(ulong seed) => seed * 0x9E3779B97F4A7C15UL + 0x7F4A7C15UL;

    private static ulong SearchMix(ulong seed, ulong stream) => seed * 0x9E3779B97F4A7C15UL + stream * 0xD1B54A32D192ED03UL + stream;
}
