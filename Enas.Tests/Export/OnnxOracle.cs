using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Export;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Training;
using Enas.Search.Util;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Enas.Tests.Export;

/// <summary>A retrain network trained for a few steps (so its batch-norm running statistics are far from 0 and 1)
/// and what it was trained on: the raw pixel statistics and the model description export needs.</summary>
public sealed class TrainedModel : IDisposable
{
    private readonly FreshWeights _fresh;

    private TrainedModel(FreshWeights fresh, ChildNetwork child, ModelInfo info) => (_fresh, Child, Info) = (fresh, child, info);

    /// <summary>The trained network (aux head and drop-path on while training).</summary>
    public ChildNetwork Child { get; }

    /// <summary>Its description (normalisation of the training pixels included).</summary>
    public ModelInfo Info { get; }

    /// <summary>Trains <paramref name="arch"/> of <paramref name="space"/> at width <paramref name="channels"/> for
    /// <paramref name="steps"/> SGD steps of 16 images of <paramref name="train"/> (raw pixels in [0, 1]; copied).</summary>
    public static TrainedModel Train(ISearchSpace space, Architecture arch, NetworkStyle style, int channels, int layers,
        ImageDataset train, IReadOnlyList<string>? classNames = null, int steps = 3, ulong seed = 5)
    {
        var data = train.Subset([.. Enumerable.Range(0, Math.Min(train.Count, 16 * steps))]);
        var stats = data.ComputeChannelStats();
        data.Normalize(stats);
        var network = new NetworkOptions
        {
            InputChannels = data.Channels, ImageSize = data.Height, Classes = data.ClassCount, Channels = channels, Layers = layers,
            DoubleAtReductions = true, Style = style, AuxHead = space is MicroSpace, DropPathKeep = space is MicroSpace ? 0.8 : 1,
            DropoutKeep = 0.9,
        };
        var fresh = new FreshWeights(seed, Device.Cpu);
        var child = ChildBuilder.Build(space, arch, network, fresh, Device.Cpu);
        using (var sgd = new ChildSgd(fresh.Parameters) { LearningRate = 0.05 })
        {
            var batches = new Batcher(data, 16, seed, shuffle: true);
            var rng = new XoshiroRandom(seed);
            for (int s = 0; s < steps; s++)
            {
                ChildStep.ForwardBackward(child, batches.GetBatch(0, s % batches.BatchesPerEpoch), new ForwardContext(true, rng, 0.5), 0.4,
                    Device.Cpu, v => $"loss {v}");
                sgd.Step();
            }
        }
        var info = ModelInfo.Create(space, arch, network, train.Name, stats, classNames);
        return new TrainedModel(fresh, child, info);
    }

    /// <summary>Eval-mode logits [N, classes] of the engine on <paramref name="raw"/> [N, C, H, W] pixels in [0, 1],
    /// normalised as the training pixels were.</summary>
    public float[] EngineLogits(float[] raw, int n)
    {
        var images = new ImageDataset("raw", (float[])raw.Clone(), new int[n], Info.InputChannels, Info.ImageSize, Info.ImageSize, Info.Classes);
        images.Normalize(Info.Stats);
        using var scope = TensorScope.Begin();
        var x = Engine.Tensor.FromArray(images.Pixels, new Shape(n, Info.InputChannels, Info.ImageSize, Info.ImageSize));
        return Child.Forward(x, new ForwardContext(false, new XoshiroRandom(0))).Logits.ToFloatArray();
    }

    /// <inheritdoc />
    public void Dispose() => _fresh.Dispose();
}

/// <summary>ONNX Runtime as the oracle of the export: runs a serialised model on raw pixels.</summary>
public static class OnnxOracle
{
    /// <summary>Logits [N, classes] of <paramref name="session"/> on <paramref name="raw"/> [N, C, H, W].</summary>
    public static float[] Run(InferenceSession session, float[] raw, int n, int channels, int size)
    {
        var input = new DenseTensor<float>(raw, [n, channels, size, size]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, input)]);
        var logits = results.Single(r => r.Name == OnnxExporter.OutputName).AsTensor<float>();
        Assert.Equal([n, logits.Dimensions[1]], logits.Dimensions.ToArray());
        return logits.ToArray();
    }

    /// <summary>Largest |a − b| and largest |a − b| relative to the largest |logit| of its image (row).</summary>
    public static (double MaxAbs, double MaxRel) Compare(float[] expected, float[] actual, int classes)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxAbs = 0, maxRel = 0;
        for (int row = 0; row < expected.Length / classes; row++)
        {
            double scale = 0;
            for (int j = 0; j < classes; j++) scale = Math.Max(scale, Math.Abs(expected[row * classes + j]));
            for (int j = 0; j < classes; j++)
            {
                double d = Math.Abs(expected[row * classes + j] - actual[row * classes + j]);
                maxAbs = Math.Max(maxAbs, d);
                maxRel = Math.Max(maxRel, d / Math.Max(scale, 1e-6));
            }
        }
        return (maxAbs, maxRel);
    }

    /// <summary>The argmax of each row.</summary>
    public static int[] Classes(float[] logits, int classes) =>
        [.. Enumerable.Range(0, logits.Length / classes).Select(r => Array.IndexOf(logits, logits.Skip(r * classes).Take(classes).Max(), r * classes) - r * classes)];
}
