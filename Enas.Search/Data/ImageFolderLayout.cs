namespace Enas.Search.Data;

/// <summary>One class of an image folder: its name (the subfolder's) and its image files, sorted by path.</summary>
internal sealed record ClassFiles(string Name, string Folder, IReadOnlyList<string> Files);

/// <summary>
/// What an image folder holds: one subfolder per class (images anywhere below it), either directly in the folder
/// or in its <c>train/</c> and <c>test/</c> subfolders (which must then name the same classes). Classes are sorted
/// by name (ordinal), which fixes the label of each; files are sorted by their path below the class folder.
/// Hidden files and folders (names starting with '.') are not read; other files that are not .png, .jpg or .jpeg
/// are counted and reported as ignored.
/// </summary>
internal sealed record ImageFolderLayout(string Root, IReadOnlyList<string> Classes, IReadOnlyList<ClassFiles> Train,
    IReadOnlyList<ClassFiles>? Test, IReadOnlyList<string> IgnoredFiles)
{
    /// <summary>Split folder names.</summary>
    public const string TrainFolder = "train", TestFolder = "test";

    /// <summary>Reads the layout of <paramref name="root"/>.</summary>
    /// <exception cref="DatasetException">The folder is missing, has fewer than two classes, a class folder holds no
    /// image, or the train/ and test/ splits name different classes.</exception>
    public static ImageFolderLayout Scan(string root)
    {
        string full = Path.GetFullPath(root);
        if (File.Exists(full))
            throw new DatasetException(full, $"--data {root} is a file; --dataset folder needs a folder holding one subfolder of images per class.");
        if (!Directory.Exists(full))
            throw new DatasetException(full, $"image folder not found: {full} does not exist. Pass --data DIR holding one subfolder of " +
                                             "PNG/JPEG images per class (or train/ and test/ folders of that form).");
        var top = Subfolders(full);
        bool hasTrain = top.Contains(TrainFolder), hasTest = top.Contains(TestFolder);
        var ignored = new List<string>();
        if (!hasTrain && !hasTest)
        {
            var classes = ReadClasses(full, top, ignored, "");
            return new ImageFolderLayout(full, [.. classes.Select(c => c.Name)], classes, null, ignored);
        }
        if (hasTrain != hasTest)
            throw new DatasetException(full, $"{full} holds {(hasTrain ? TrainFolder : TestFolder)}/ but no {(hasTrain ? TestFolder : TrainFolder)}/: " +
                                             $"give both {TrainFolder}/ and {TestFolder}/ (each with one subfolder per class), or neither " +
                                             "(class subfolders directly in the folder; a test split is then held out of them).");
        var others = top.Where(t => t is not (TrainFolder or TestFolder)).ToList();
        if (others.Count > 0)
            throw new DatasetException(full, $"{full} holds {TrainFolder}/ and {TestFolder}/ and also {string.Join(", ", others.Select(o => o + "/"))}: " +
                                             $"with a train/test split every class folder goes inside {TrainFolder}/ and {TestFolder}/. Move or remove the others.");
        string trainDir = Path.Combine(full, TrainFolder), testDir = Path.Combine(full, TestFolder);
        var train = ReadClasses(trainDir, Subfolders(trainDir), ignored, TrainFolder + "/");
        var test = ReadClasses(testDir, Subfolders(testDir), ignored, TestFolder + "/");
        var trainNames = train.Select(c => c.Name).ToList();
        var testNames = test.Select(c => c.Name).ToList();
        if (!trainNames.SequenceEqual(testNames))
        {
            var onlyTrain = trainNames.Except(testNames).ToList();
            var onlyTest = testNames.Except(trainNames).ToList();
            throw new DatasetException(full, $"{full}: {TrainFolder}/ and {TestFolder}/ name different classes" +
                (onlyTrain.Count > 0 ? $"; only in {TrainFolder}/: {string.Join(", ", onlyTrain)}" : "") +
                (onlyTest.Count > 0 ? $"; only in {TestFolder}/: {string.Join(", ", onlyTest)}" : "") +
                ". Give both splits the same class folders.");
        }
        return new ImageFolderLayout(full, trainNames, train, test, ignored);
    }

    /// <summary>The names of the visible subfolders of <paramref name="dir"/>, sorted ordinally.</summary>
    private static List<string> Subfolders(string dir)
    {
        try
        {
            return [.. Directory.EnumerateDirectories(dir).Select(d => Path.GetFileName(d)).Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(dir, $"{dir}: cannot be listed ({e.Message.TrimEnd('.')}). Check its permissions.");
        }
    }

    private static List<ClassFiles> ReadClasses(string dir, List<string> names, List<string> ignored, string prefix)
    {
        if (names.Count == 0)
            throw new DatasetException(dir, $"{dir} holds no class folders: put the images of each class in a subfolder named after the " +
                                            "class (e.g. cats/ and dogs/), at least two classes.");
        if (names.Count == 1)
            throw new DatasetException(dir, $"{dir} holds a single class folder ({names[0]}/): a classifier needs at least two classes. " +
                                            "Add a subfolder of images for each other class.");
        var stray = VisibleFiles(dir, SearchOption.TopDirectoryOnly).Where(ImageDecoder.IsImageFile).ToList();
        if (stray.Count > 0)
            throw new DatasetException(dir, $"{dir} holds {stray.Count} image file(s) outside any class folder (e.g. {Path.GetFileName(stray[0])}); " +
                                            "every image must be inside the subfolder of its class. Move them into one.");
        var result = new List<ClassFiles>();
        foreach (var name in names)
        {
            string folder = Path.Combine(dir, name);
            var files = VisibleFiles(folder, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            var images = files.Where(ImageDecoder.IsImageFile).ToList();
            ignored.AddRange(files.Where(f => !ImageDecoder.IsImageFile(f)).Select(f => prefix + Path.GetRelativePath(dir, f)));
            if (images.Count == 0)
                throw new DatasetException(folder, $"class folder {folder} holds no images (.png, .jpg or .jpeg" +
                    (files.Count > 0 ? $"; its {files.Count} other file(s) are not read" : "") +
                    "). Add images of the class or remove the folder.");
            result.Add(new ClassFiles(name, folder, images));
        }
        return result;
    }

    /// <summary>Files below <paramref name="dir"/> whose path below it has no hidden part.</summary>
    private static IEnumerable<string> VisibleFiles(string dir, SearchOption depth)
    {
        try
        {
            return Directory.EnumerateFiles(dir, "*", depth)
                .Where(f => !Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(dir, $"{dir}: cannot be listed ({e.Message.TrimEnd('.')}). Check its permissions.");
        }
    }
}
