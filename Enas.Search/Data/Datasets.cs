namespace Enas.Search.Data;

/// <summary>Loads a dataset by its CLI name.</summary>
public static class Datasets
{
    /// <summary>CLI name of Fashion-MNIST.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>CLI name of CIFAR-10.</summary>
    public const string Cifar10Name = "cifar10";

    /// <summary>The names <see cref="Load"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Names = [FashionMnistName, Cifar10Name];

    /// <summary>
    /// Loads <paramref name="name"/> ("fashion-mnist" or "cifar10") from <paramref name="directory"/>; Fashion-MNIST
    /// defaults to <see cref="FashionMnist.DefaultDirectory"/>, CIFAR-10 needs a directory.
    /// </summary>
    /// <exception cref="DatasetException">Unknown name, no directory for CIFAR-10, or a loader error.</exception>
    public static TrainTestData Load(string name, string? directory = null)
    {
        switch (name.ToLowerInvariant())
        {
            case FashionMnistName:
            case "fashionmnist":
            case "fashion_mnist":
                return FashionMnist.Load(directory);
            case Cifar10Name:
            case "cifar-10":
                if (directory is null)
                    throw new DatasetException("", "CIFAR-10 has no default location: pass --data DIR pointing at " +
                        "the folder holding data_batch_1.bin .. data_batch_5.bin and test_batch.bin (the binary " +
                        "version from https://www.cs.toronto.edu/~kriz/cifar.html).");
                return Cifar10.Load(directory);
            default:
                throw new DatasetException("", $"unknown dataset '{name}'; expected one of: {string.Join(", ", Names)}.");
        }
    }
}
