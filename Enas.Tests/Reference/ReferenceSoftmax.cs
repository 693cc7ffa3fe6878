namespace Enas.Tests.Reference;

/// <summary>Naive float64 log-softmax and cross-entropy.</summary>
public static class ReferenceSoftmax
{
    /// <summary>y [rows, cols] = x - max - log(sum(exp(x - max))) per row.</summary>
    public static double[] LogSoftmax(double[] x, int rows, int cols)
    {
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < cols; c++) max = Math.Max(max, x[r * cols + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += Math.Exp(x[r * cols + c] - max);
            double log = Math.Log(sum);
            for (int c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] - max - log;
        }
        return y;
    }

    /// <summary>dx = dy - softmax * rowsum(dy), from the log-softmax output y.</summary>
    public static double[] LogSoftmaxBackward(double[] y, double[] dy, int rows, int cols)
    {
        var dx = new double[y.Length];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += dy[r * cols + c];
            for (int c = 0; c < cols; c++) dx[r * cols + c] = dy[r * cols + c] - Math.Exp(y[r * cols + c]) * sum;
        }
        return dx;
    }

    /// <summary>Mean over rows of -log_softmax(x)[r, label_r].</summary>
    public static double CrossEntropy(double[] logits, int[] labels, int cols)
    {
        var y = LogSoftmax(logits, labels.Length, cols);
        double loss = 0;
        for (int r = 0; r < labels.Length; r++) loss -= y[r * cols + labels[r]];
        return loss / labels.Length;
    }
}
