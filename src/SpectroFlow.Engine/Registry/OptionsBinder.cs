using System.Globalization;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using YamlDotNet.RepresentationModel;

namespace SpectroFlow.Engine.Registry;

/// <summary>
/// Binds a step's option keys (snake_case) to a new instance of its options class through init-only properties,
/// reporting unknown keys, wrong types, out-of-range values, escaping output paths and missing required keys with
/// their line and column, then runs <see cref="IBlockOptions.Validate"/>.
/// </summary>
internal static class OptionsBinder
{
    /// <summary>Where the options were written: the file as messages name it, its folder, and the run's input root.</summary>
    public readonly record struct OptionPaths(string File, string FileFolder, string InputRoot);

    public static IBlockOptions? Bind(
        BlockDescriptor descriptor,
        string stepId,
        IReadOnlyList<KeyValuePair<YamlScalarNode, YamlNode>> entries,
        SourceLocation stepLocation,
        OptionPaths paths,
        List<ValidationError> errors,
        IReadOnlySet<YamlNode> broken)
    {
        string file = paths.File;
        var options = (IBlockOptions)Activator.CreateInstance(descriptor.OptionsType)!;
        int before = errors.Count;
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach ((YamlScalarNode keyNode, YamlNode valueNode) in entries)
        {
            string key = keyNode.Value ?? string.Empty;
            SourceLocation keyAt = SafeYamlReader.Location(file, keyNode.Start);
            SourceLocation valueAt = SafeYamlReader.Location(file, valueNode.Start);
            OptionProperty? option = descriptor.Options.FirstOrDefault(o => o.Key == key);
            if (option is null)
            {
                string hint = Names.DidYouMean(key, descriptor.Options.Select(o => o.Key).Concat(RecipeKeys.Step));
                errors.Add(new ValidationError($"unknown option '{key}' for block '{descriptor.Name}' in step '{stepId}'{hint}", keyAt, key));
                continue;
            }

            seen[key] = keyAt;
            OptionLocations.Record(options, key, valueAt);
            if (broken.Contains(valueNode))
            {
                errors.Add(new ValidationError(Interpolator.BrokenMarker, valueAt, key));
            }
            else if (option.Kind == OptionKind.InputPathList)
            {
                if (BindInputPaths(valueNode, paths, $"option '{key}' of step '{stepId}'", key, errors) is { } list)
                {
                    option.Property.SetValue(options, list);
                }
            }
            else if (TryConvert(option, valueNode, paths, out object? value, out string? problem))
            {
                option.Property.SetValue(options, value);
            }
            else
            {
                errors.Add(new ValidationError($"option '{key}' of step '{stepId}' {problem}", valueAt, key));
            }
        }

        foreach (OptionProperty option in descriptor.Options)
        {
            if (option.Required && !seen.ContainsKey(option.Key))
            {
                errors.Add(new ValidationError($"step '{stepId}' ({descriptor.Name}) needs option '{option.Key}'", stepLocation, option.Key));
            }
        }

        // Cross-field rules run even when some keys failed to bind, so one pass reports every problem; rules about
        // a key that already has a binding error are not repeated.
        var failedKeys = new HashSet<string>(StringComparer.Ordinal);
        for (int i = before; i < errors.Count; i++)
        {
            if (errors[i].Key is { } failedKey)
            {
                failedKeys.Add(failedKey);
            }
        }

        var validation = new ValidationErrors();
        try
        {
            options.Validate(validation);
        }
        catch (Exception) when (failedKeys.Count > 0 || errors.Count > before)
        {
            // Partially bound options (a required key missing) may trip a rule; the binding errors already stand.
        }

        foreach (ValidationError error in validation.Errors)
        {
            if (error.Key is not null && failedKeys.Contains(error.Key))
            {
                continue;
            }

            SourceLocation? at = error.Location ?? (error.Key is not null && seen.TryGetValue(error.Key, out SourceLocation keyAt) ? keyAt : stepLocation);
            string prefix = error.Key is not null ? $"option '{error.Key}' of step '{stepId}' " : $"step '{stepId}': ";
            errors.Add(error with { Message = prefix + error.Message, Location = at });
        }

        return errors.Count > before ? null : options;
    }

    private static bool TryConvert(OptionProperty option, YamlNode node, OptionPaths paths, out object? value, out string? problem)
    {
        value = null;
        problem = null;
        if (option.Kind == OptionKind.StringList)
        {
            var items = new List<string>();
            if (node is YamlScalarNode single)
            {
                items.Add(single.Value ?? string.Empty);
            }
            else if (node is YamlSequenceNode sequence && sequence.Children.All(c => c is YamlScalarNode))
            {
                items.AddRange(sequence.Children.Select(c => ((YamlScalarNode)c).Value ?? string.Empty));
            }
            else
            {
                problem = "must be a string or a list of strings";
                return false;
            }

            value = option.ValueType == typeof(string[]) ? items.ToArray() : items.AsReadOnly();
            return true;
        }

        if (node is not YamlScalarNode scalar)
        {
            problem = $"must be {Describe(option)}, not a {(node is YamlMappingNode ? "mapping" : "list")}";
            return false;
        }

        string text = scalar.Value ?? string.Empty;
        CultureInfo inv = CultureInfo.InvariantCulture;
        switch (option.Kind)
        {
            case OptionKind.Text:
                value = text;
                return true;
            case OptionKind.OutputPath:
                if (OutputPath.Check(text) is { } reason)
                {
                    problem = $"'{text}' {reason}";
                    return false;
                }

                value = new OutputPath(text.Replace('\\', '/'));
                return true;
            case OptionKind.InputPath:
                if (text.Length == 0)
                {
                    problem = "must not be empty";
                    return false;
                }

                value = InputPath.FromRecipe(text, paths.FileFolder, paths.InputRoot);
                problem = RecipeChecks.MissingInput(option.Key, (InputPath)value, paths.InputRoot);
                return problem is null;
            case OptionKind.Boolean:
                if (text is "true" or "false")
                {
                    value = text == "true";
                    return true;
                }

                break;
            case OptionKind.WholeNumber when option.ValueType == typeof(ulong):
                // A seed: any 64-bit value, as the recipe's own seed.
                if (ulong.TryParse(text, NumberStyles.None, inv, out ulong unsigned))
                {
                    value = unsigned;
                    return true;
                }

                problem = $"must be a whole number from 0 to {ulong.MaxValue}";
                return false;
            case OptionKind.WholeNumber:
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, inv, out long whole))
                {
                    if (!InRange(option, whole, out problem))
                    {
                        return false;
                    }

                    if (option.ValueType == typeof(int))
                    {
                        if (whole is < int.MinValue or > int.MaxValue)
                        {
                            problem = $"is out of range: {text}";
                            return false;
                        }

                        value = (int)whole;
                    }
                    else
                    {
                        value = whole;
                    }

                    return true;
                }

                break;
            case OptionKind.Number:
                if (double.TryParse(text, NumberStyles.Float, inv, out double real) && double.IsFinite(real))
                {
                    if (!InRange(option, real, out problem))
                    {
                        return false;
                    }

                    value = option.ValueType == typeof(float) ? (float)real : real;
                    return true;
                }

                break;
            case OptionKind.Enum:
                int index = option.EnumValues.ToList().IndexOf(text.Replace('_', '-'));
                if (index >= 0)
                {
                    value = Enum.GetValues(option.ValueType).GetValue(index);
                    return true;
                }

                problem = $"must be one of {string.Join(", ", option.EnumValues)}, not '{text}'{Names.DidYouMean(text, option.EnumValues)}";
                return false;
        }

        problem = $"must be {Describe(option)}, not '{text}'";
        return false;
    }

    /// <summary>
    /// A list of files to read: each entry resolved against the file that names it and checked to be an existing file,
    /// every problem with the line and column of its entry; null when any entry is bad.
    /// </summary>
    private static System.Collections.ObjectModel.ReadOnlyCollection<InputPath>? BindInputPaths(YamlNode node, OptionPaths paths, string what, string key, List<ValidationError> errors)
    {
        IReadOnlyList<YamlNode> entries = node switch
        {
            YamlScalarNode => [node],
            YamlSequenceNode sequence => [.. sequence.Children],
            _ => [],
        };
        if (entries.Count == 0 && node is YamlMappingNode)
        {
            errors.Add(new ValidationError($"{what} must be a list of paths, not a mapping", SafeYamlReader.Location(paths.File, node.Start), key));
            return null;
        }

        var result = new List<InputPath>(entries.Count);
        bool ok = true;
        foreach (YamlNode entry in entries)
        {
            SourceLocation at = SafeYamlReader.Location(paths.File, entry.Start);
            string? problem = null;
            if (entry is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                problem = "must list paths (non-empty strings)";
            }
            else
            {
                var path = InputPath.FromRecipe(text, paths.FileFolder, paths.InputRoot);
                string full = path.Resolve(paths.InputRoot);
                problem = File.Exists(full) ? null : Directory.Exists(full) ? $"names a folder, not a file: {full}" : $"names a file that does not exist: {full}";
                result.Add(path);
            }

            if (problem is not null)
            {
                errors.Add(new ValidationError($"{what} {problem}", at, key));
                ok = false;
            }
        }

        return ok ? result.AsReadOnly() : null;
    }

    private static bool InRange(OptionProperty option, double value, out string? problem)
    {
        problem = null;
        if (option.Minimum is { } min && option.Maximum is { } max && (value < min || value > max))
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}, not {value}");
            return false;
        }

        return true;
    }

    internal static string Describe(OptionProperty option) => option.Kind switch
    {
        OptionKind.WholeNumber => "an integer",
        OptionKind.Number => "a number",
        OptionKind.Boolean => "true or false",
        OptionKind.Enum => "one of " + string.Join(", ", option.EnumValues),
        OptionKind.OutputPath => "a path under the output root",
        OptionKind.InputPath => "a path",
        OptionKind.StringList => "a list of strings",
        OptionKind.InputPathList => "a list of paths",
        _ => "a string",
    };
}
