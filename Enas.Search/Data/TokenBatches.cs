namespace Enas.Search.Data;

/// <summary>
/// A token stream cut into <see cref="BatchSize"/> parallel rows of <see cref="Length"/> tokens (the tail that does
/// not fill a row is dropped), read in BPTT windows: window inputs are tokens [t, t+len) of every row and targets the
/// tokens one step later. Rows are independent streams whose hidden state carries from one window to the next.
/// </summary>
public sealed class TokenBatches
{
    private readonly int[] _rows; // [BatchSize, Length] row-major

    /// <summary>Cuts <paramref name="tokens"/> into <paramref name="batchSize"/> rows.</summary>
    public TokenBatches(int[] tokens, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size {batchSize} must be >= 1");
        int length = tokens.Length / batchSize;
        if (length < 2)
            throw new ArgumentException($"{tokens.Length} tokens are too few for {batchSize} rows of at least 2 tokens",
                nameof(tokens));
        BatchSize = batchSize;
        Length = length;
        _rows = tokens.AsSpan(0, batchSize * length).ToArray();
    }

    private TokenBatches(int[] rows, int batchSize, int length) => (_rows, BatchSize, Length) = (rows, batchSize, length);

    /// <summary>The rows [Offset, Offset + Count) of <paramref name="shard"/> (whose GlobalCount must be
    /// <see cref="BatchSize"/>) as batches of their own: the same windows, each with those rows only (a data-parallel
    /// rank's streams).</summary>
    public TokenBatches Rows(BatchShard shard)
    {
        if (shard.GlobalCount != BatchSize || shard.Count < 1 || shard.Offset < 0 || shard.Offset + shard.Count > BatchSize)
            throw new ArgumentOutOfRangeException(nameof(shard), $"rows [{shard.Offset}, {shard.Offset + shard.Count}) of a batch of " +
                                                                 $"{shard.GlobalCount} are not a non-empty part of these {BatchSize} rows");
        return new TokenBatches(_rows.AsSpan(shard.Offset * Length, shard.Count * Length).ToArray(), shard.Count, Length);
    }

    /// <summary>Number of parallel rows.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per row.</summary>
    public int Length { get; }

    /// <summary>Number of predicted tokens per row (Length - 1).</summary>
    public int Steps => Length - 1;

    /// <summary>Token of row <paramref name="row"/> at position <paramref name="t"/>.</summary>
    public int this[int row, int t] => _rows[row * Length + t];

    /// <summary>Start positions of consecutive windows of <paramref name="bptt"/> steps (the last may be shorter).</summary>
    public IEnumerable<int> WindowStarts(int bptt)
    {
        for (int s = 0; s < Steps; s += bptt) yield return s;
    }

    /// <summary>Number of windows of <paramref name="bptt"/> steps.</summary>
    public int WindowCount(int bptt) => (Steps + bptt - 1) / bptt;

    /// <summary>
    /// The window starting at <paramref name="start"/> of up to <paramref name="bptt"/> steps, time-major: inputs and
    /// targets are [len * BatchSize] with element t * BatchSize + b = row b at position start + t (targets one later).
    /// </summary>
    public (int[] Inputs, int[] Targets, int Length) Window(int start, int bptt)
    {
        if (start < 0 || start >= Steps)
            throw new ArgumentOutOfRangeException(nameof(start), $"window start {start} outside [0, {Steps})");
        int len = Math.Min(bptt, Steps - start);
        var inputs = new int[len * BatchSize];
        var targets = new int[len * BatchSize];
        for (int t = 0; t < len; t++)
            for (int b = 0; b < BatchSize; b++)
            {
                inputs[t * BatchSize + b] = this[b, start + t];
                targets[t * BatchSize + b] = this[b, start + t + 1];
            }
        return (inputs, targets, len);
    }
}
