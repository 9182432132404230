using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace SpectroFlow.Engine.Recipes;

/// <summary>One file of a recipe: the recipe itself or a file it includes, with the name its messages carry.</summary>
/// <param name="File">The file as messages name it (the recipe as the user named it; includes relative to it).</param>
/// <param name="Root">The file's top-level mapping.</param>
/// <param name="Folder">The absolute folder of the file (relative <see cref="Core.Blocks.InputPath"/> options start there).</param>
internal sealed record RecipeDocument(string File, YamlMappingNode Root, string Folder)
{
    /// <summary>The value of top-level key <paramref name="key"/>, or null.</summary>
    public YamlNode? Get(string key) => Root.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode s && s.Value == key).Value;

    /// <summary>Where <paramref name="node"/> is, in this file.</summary>
    public SourceLocation At(YamlNode node) => SafeYamlReader.Location(File, node.Start);
}

/// <summary>
/// Reads the files a recipe includes (<c>include:</c> a path or a list of paths, relative to the including file's folder),
/// recursively, and returns every file in merge order: each file's includes (in the order listed, their own includes
/// first) before the file itself, so the recipe is last. A file included a second time is skipped (each file is merged
/// once); a file that includes itself through others is a cycle. Every file is read by <see cref="SafeYamlReader"/>
/// against one <see cref="YamlBudget"/>, so the size, node and alias limits hold for the recipe and its includes
/// together.
/// </summary>
internal sealed class RecipeIncludes
{
    private const string NotAMapping = "a recipe is a mapping with inputs, steps and outputs";

    private readonly RecipeLoadSettings _settings;
    private readonly YamlBudget _budget;
    private readonly List<RecipeDocument> _documents = [];
    private readonly List<ValidationError> _errors = [];
    private readonly HashSet<string> _loaded = new(StringComparer.Ordinal);
    private readonly List<(string FullPath, string File)> _chain = [];

    private RecipeIncludes(RecipeLoadSettings settings, YamlBudget budget)
    {
        _settings = settings;
        _budget = budget;
    }

    /// <summary>
    /// The recipe <paramref name="root"/> (read from <paramref name="fullPath"/>, named <paramref name="file"/>) and every
    /// file it includes, in merge order.
    /// </summary>
    /// <exception cref="RecipeException">A file is not a mapping, is missing, is not YAML within the limits, or includes form a cycle.</exception>
    public static IReadOnlyList<RecipeDocument> Resolve(YamlNode root, string file, string fullPath, string folder, RecipeLoadSettings settings, YamlBudget budget)
    {
        var includes = new RecipeIncludes(settings, budget);
        includes._loaded.Add(fullPath);
        includes.Add(root, file, fullPath, folder);
        return includes._errors.Count > 0 ? throw new RecipeException(includes._errors) : includes._documents;
    }

    private void Add(YamlNode root, string file, string fullPath, string folder)
    {
        if (root is not YamlMappingNode map)
        {
            _errors.Add(new ValidationError(NotAMapping, SafeYamlReader.Location(file, root.Start)));
            return;
        }

        var document = new RecipeDocument(file, map, folder);
        _chain.Add((fullPath, file));
        foreach (YamlScalarNode path in IncludedPaths(document))
        {
            Include(path, document, folder);
        }

        _chain.RemoveAt(_chain.Count - 1);
        _documents.Add(document);
    }

    private IEnumerable<YamlScalarNode> IncludedPaths(RecipeDocument document)
    {
        switch (document.Get("include"))
        {
            case null:
                yield break;
            case YamlScalarNode single:
                yield return single;
                break;
            case YamlSequenceNode list:
                foreach (YamlNode entry in list.Children)
                {
                    if (entry is YamlScalarNode path)
                    {
                        yield return path;
                    }
                    else
                    {
                        _errors.Add(new ValidationError("each entry of 'include' must be a path", document.At(entry)));
                    }
                }

                break;
            case { } other:
                _errors.Add(new ValidationError("'include' must be a path or a list of paths", document.At(other)));
                break;
        }
    }

    private void Include(YamlScalarNode pathNode, RecipeDocument includer, string folder)
    {
        string path = pathNode.Value ?? string.Empty;
        SourceLocation at = includer.At(pathNode);
        string extension = Path.GetExtension(path);
        if (!extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".yml", StringComparison.OrdinalIgnoreCase))
        {
            _errors.Add(new ValidationError($"included file '{path}' must be a .yaml or .yml file", at));
            return;
        }

        string fullPath = Path.GetFullPath(Path.Combine(folder, path));
        string file = DisplayName(includer.File, path);
        int cycleStart = _chain.FindIndex(c => c.FullPath == fullPath);
        if (cycleStart >= 0)
        {
            string chain = string.Join(" -> ", _chain.Skip(cycleStart).Select(c => c.File).Append(file));
            _errors.Add(new ValidationError($"include cycle: {chain}", at));
            return;
        }

        if (!_loaded.Add(fullPath))
        {
            return; // already merged through another include
        }

        if (!File.Exists(fullPath))
        {
            _errors.Add(new ValidationError($"included file '{path}' not found", at));
            return;
        }

        if (_loaded.Count - 1 > _settings.MaxIncludes)
        {
            _errors.Add(new ValidationError($"more than {_settings.MaxIncludes} included files", at));
            return;
        }

        try
        {
            YamlNode root = SafeYamlReader.ReadFile(fullPath, file, _settings, _budget);
            Add(root, file, fullPath, Path.GetDirectoryName(fullPath)!);
        }
        catch (RecipeException e)
        {
            _errors.AddRange(e.Errors);
        }
    }

    /// <summary><paramref name="path"/> as seen from where the user named the recipe: <c>recipes/a.yaml</c> + <c>common/b.yaml</c> → <c>recipes/common/b.yaml</c>.</summary>
    private static string DisplayName(string includerFile, string path)
    {
        string combined = Path.Combine(Path.GetDirectoryName(includerFile) ?? string.Empty, path);
        if (Path.IsPathRooted(combined))
        {
            return Path.GetFullPath(combined);
        }

        // Normalise "a/./../b" to "b" lexically: the name stays relative to wherever the recipe's name is.
        var segments = new List<string>();
        foreach (string segment in combined.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return string.Join(Path.DirectorySeparatorChar, segments);
    }
}
