namespace Enas.Search.Data;

/// <summary>Loads a dataset by its CLI name.</summary>
public static class Datasets
{
    /// <summary>CLI name of Fashion-MNIST.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>CLI name of CIFAR-10.</summary>
    public const string Cifar10Name = "cifar10";

    /// <summary>CLI name of the user's own image folder (<see cref="ImageFolderDataset"/>).</summary>
    public const string FolderName = "folder";

    /// <summary>The names <see cref="Load"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Names = [FashionMnistName, Cifar10Name, FolderName];

    /// <summary>
    /// Loads <paramref name="name"/> ("fashion-mnist", "cifar10" or "folder") from <paramref name="directory"/>;
    /// Fashion-MNIST defaults to <see cref="FashionMnist.DefaultDirectory"/>, CIFAR-10 and an image folder need a
    /// directory; <paramref name="folder"/> says how an image folder is read (null: the defaults).
    /// </summary>
    /// <exception cref="DatasetException">Unknown name, no directory for CIFAR-10 or a folder, or a loader error.</exception>
    public static TrainTestData Load(string name, string? directory = null, ImageFolderOptions? folder = null)
    {
        string lower = name.ToLowerInvariant();
        if (folder is { ImageSize: not null } || folder is { SkipBadImages: true })
            if (lower != FolderName)
                throw new DatasetException("", $"--image-size and --bad-images apply to --dataset {FolderName} only ({name} has fixed-size images).");
        if (lower == FolderName)
        {
            if (directory is null)
                throw new DatasetException("", $"--dataset {FolderName} needs --data DIR: a folder holding one subfolder of PNG/JPEG " +
                                               "images per class (or train/ and test/ folders of that form).");
            return ImageFolderDataset.Load(directory, folder ?? new ImageFolderOptions());
        }
        return lower switch
        {
            FashionMnistName or "fashionmnist" or "fashion_mnist" => LoadFixed(name, directory) with { ClassNames = FashionMnist.ClassNames },
            _ => LoadFixed(name, directory) with { ClassNames = Cifar10.ClassNames },
        };
    }

    private static TrainTestData LoadFixed(string name, string? directory)
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
