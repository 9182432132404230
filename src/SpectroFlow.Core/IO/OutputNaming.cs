using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Core.IO;

/// <summary>
/// Output file names for writer blocks, from a small template over an item's metadata, and the one way writer blocks
/// publish a file (atomically, with its SHA-256) as a <see cref="WrittenFile"/>.
/// </summary>
/// <remarks>
/// Template syntax: literal text with placeholders <c>{name}</c> or <c>{name:format}</c>; <c>{{</c> and <c>}}</c> are
/// literal braces. A name is any metadata key of the item (<c>{clip_index:00000}</c>, <c>{tags}</c>), formatted with the
/// invariant culture and the optional .NET format string, or one of:
/// <list type="bullet">
/// <item><c>{stem}</c>: the source file's name without extension, plus <c>_{clip_index:D5}</c> when the item is a clip
/// (e.g. <c>song_00003</c>).</item>
/// <item><c>{source_stem}</c>: the source file's name without extension only.</item>
/// <item><c>{file}</c> (the default template): the source file's name with its extension, plus <c>_{clip_index:D5}</c>
/// for clips (<c>song.mp3_00003</c>); it depends on the item alone, so names never change when files are added.</item>
/// <item><c>{ext}</c>: the source file's extension without the dot (<c>mp3</c>; empty when it has none).</item>
/// <item><c>{source_dir}</c>: the folder of the item's key relative to its input (<c>a/b</c> gives <c>a_b</c>; empty at
/// the top): from the <c>input_key</c> metadata, so the input id that prefixes keys when a recipe has several inputs is
/// not part of it.</item>
/// <item><c>{input}</c>: the id of the recipe input the item came from (item metadata set by the engine); with several
/// inputs, <c>{input}_{stem}</c> keeps equal file names of two inputs apart.</item>
/// <item><c>{ordinal}</c>: the item's ordinal in its source.</item>
/// </list>
/// Placeholder values never create folders: '/', '\' and characters invalid in file names become '_'. An empty value
/// leaves no separators behind: a run of '_', '-', '.' or ' ' next to it is dropped at the start or end of the name, and
/// kept once between two values (<c>{source_dir}_{stem}</c> at the top of a folder is <c>song</c>). A placeholder
/// whose metadata is missing fails the item. The extension is appended by the block. Within one run, a file written
/// for one item is never overwritten for another: the second item fails, naming the first (make the template unique,
/// e.g. with <c>{input}</c>, <c>{source_dir}</c>, <c>{ext}</c> or <c>{ordinal}</c>). The engine reserves the files of items an
/// earlier run finished with <see cref="TryReserve"/>, so they are not overwritten for another item either.
/// </remarks>
public static class OutputNaming
{
    /// <summary>
    /// The default template: the source file's name with its extension, plus the clip index for clips
    /// (<c>song.mp3_00003</c>), so <c>song.mp3</c> and <c>song.ogg</c> of one folder get different names whatever else
    /// the folder holds.
    /// </summary>
    public const string DefaultTemplate = "{file}";

    private const string ClaimsResource = "core:output-naming:claimed-paths";

    private static readonly char[] s_separators = ['_', '-', '.', ' '];

    private static readonly char[] s_invalid = [.. Path.GetInvalidFileNameChars().Union(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])];

    /// <summary>Returns why <paramref name="template"/> is not a valid name template, or null when it is.</summary>
    public static string? CheckTemplate(string? template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "must not be empty";
        }

        if (template.Contains('/', StringComparison.Ordinal) || template.Contains('\\', StringComparison.Ordinal))
        {
            return "must be a file name, not a path (use the folder option for folders)";
        }

        try
        {
            foreach (Part part in Parse(template))
            {
                if (part.IsPlaceholder && part.Name.Length == 0)
                {
                    return "has an empty placeholder {}";
                }
            }
        }
        catch (FormatException e)
        {
            return e.Message;
        }

        return null;
    }

    /// <summary>Expands <paramref name="template"/> for <paramref name="item"/> (no extension).</summary>
    /// <exception cref="SpectroFlowException">A placeholder names metadata the item does not have, or the name is empty.</exception>
    public static string Expand(string template, WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(item);
        var builder = new StringBuilder();
        List<Part> parts;
        try
        {
            parts = Parse(template);
        }
        catch (FormatException e)
        {
            throw new SpectroFlowException($"bad name template '{template}': {e.Message}");
        }

        // An empty value takes the separators around it along ("{source_dir}_{stem}" at the top of a folder is
        // "song", not "_song"): those after it when it starts the name or follows a separator, those before it when
        // it ends the name.
        bool dropSeparators = false;
        bool emptyAtEnd = false;
        int valuesEnd = 0;
        foreach (Part part in parts)
        {
            if (!part.IsPlaceholder)
            {
                string literal = dropSeparators ? part.Name.TrimStart(s_separators) : part.Name;
                builder.Append(literal);
                dropSeparators = false;
                emptyAtEnd &= literal.Length == 0;
                continue;
            }

            string value = Sanitize(part.Name switch
            {
                "stem" => Stem(item),
                "source_stem" => SourceStem(item),
                "file" => FileName(item),
                "ext" => Path.GetExtension(SourcePath(item)).TrimStart('.'),
                "source_dir" => Path.GetDirectoryName(item.GetMetadata<string?>(WorkItem.Keys.InputKey, null) ?? item.Roots[0]) ?? string.Empty,
                "ordinal" => Format(item.Ordinal, part.Format, part.Name),
                _ => item.Metadata.TryGetValue(part.Name, out object? meta)
                    ? Format(meta, part.Format, part.Name)
                    : throw new SpectroFlowException($"name template '{template}' uses '{part.Name}', which the item has no metadata for"),
            });
            if (value.Length == 0)
            {
                dropSeparators |= builder.Length == 0 || Array.IndexOf(s_separators, builder[^1]) >= 0;
                emptyAtEnd = true;
                continue;
            }

            builder.Append(value);
            valuesEnd = builder.Length;
            dropSeparators = false;
            emptyAtEnd = false;
        }

        while (emptyAtEnd && builder.Length > valuesEnd && Array.IndexOf(s_separators, builder[^1]) >= 0)
        {
            builder.Length--;
        }

        string name = builder.ToString().Trim();
        if (name.Length == 0 || name is "." or "..")
        {
            throw new SpectroFlowException($"name template '{template}' gives an empty file name");
        }

        return name;
    }

    /// <summary>The source stem plus <c>_{clip_index:D5}</c> for clips (what <c>{stem}</c> expands to).</summary>
    public static string Stem(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string stem = SourceStem(item);
        return item.Metadata.TryGetValue(WorkItem.Keys.ClipIndex, out object? index) && index is long clip
            ? string.Create(CultureInfo.InvariantCulture, $"{stem}_{clip:D5}")
            : stem;
    }

    /// <summary>
    /// Writes <paramref name="content"/> atomically to <c>folder/name + extension</c> under the run's output root
    /// and describes it.
    /// </summary>
    /// <exception cref="SpectroFlowException">The file could not be written (one line naming the file; the engine's error record names the item).</exception>
    public static WrittenFile Publish(RunContext run, OutputPath folder, string template, string extension, WorkItem item, ReadOnlySpan<byte> content)
    {
        byte[] copy = content.ToArray();
        (string fullPath, string relative) = Target(run, folder, template, extension, item);
        Write(relative, () => AtomicFile.WriteAllBytes(fullPath, copy));
        return new WrittenFile(fullPath, relative, copy.Length, Convert.ToHexStringLower(SHA256.HashData(copy)));
    }

    /// <summary>
    /// Lets <paramref name="writeAtomically"/> write the file at the full path it is given (it must publish atomically,
    /// e.g. through <see cref="AtomicFile"/>), then hashes it and describes it.
    /// </summary>
    /// <exception cref="SpectroFlowException">The file could not be written (one line naming the file; the engine's error record names the item).</exception>
    public static WrittenFile Publish(RunContext run, OutputPath folder, string template, string extension, WorkItem item, Action<string> writeAtomically)
    {
        ArgumentNullException.ThrowIfNull(writeAtomically);
        (string fullPath, string relative) = Target(run, folder, template, extension, item);
        return Write(relative, () =>
        {
            writeAtomically(fullPath);
            using FileStream stream = File.OpenRead(fullPath);
            string sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            return new WrittenFile(fullPath, relative, stream.Length, sha);
        });
    }

    /// <summary>
    /// Reserves <paramref name="relativePath"/> (under the output root, '/' separated) for the item with
    /// <paramref name="key"/> in this run, as if that item had written it: used for the files an earlier run wrote for
    /// an item (which this run may skip), so that no other item overwrites them.
    /// </summary>
    /// <returns>False when another item already wrote or reserved the path in this run.</returns>
    public static bool TryReserve(RunContext run, string relativePath, string key)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(key);
        string fullPath = Path.GetFullPath(Path.Combine(run.OutputRoot, relativePath));
        return Claim(run, fullPath, key) == key;
    }

    private static string Claim(RunContext run, string fullPath, string key) =>
        run.Resources.GetOrCreate(ClaimsResource, () => new ConcurrentDictionary<string, string>(StringComparer.Ordinal)).GetOrAdd(fullPath, key);

    private static (string FullPath, string Relative) Target(RunContext run, OutputPath folder, string template, string extension, WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(extension);
        string root = Path.GetFullPath(run.OutputRoot);
        string fullPath = Path.GetFullPath(Path.Combine(run.Resolve(folder), Expand(template, item) + extension));
        string relative = Path.GetRelativePath(root, fullPath).Replace('\\', '/');
        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new SpectroFlowException($"output '{fullPath}' is outside the output root");
        }

        string owner = Claim(run, fullPath, item.Key);
        if (owner != item.Key)
        {
            throw new SpectroFlowException($"output '{relative}' was already written for item '{owner}' in this run; make the name template unique (e.g. add {{input}}, {{source_dir}}, {{ext}} or {{ordinal}})");
        }

        return (fullPath, relative);
    }

    private static void Write(string relative, Action write) =>
        Write(relative, () =>
        {
            write();
            return true;
        });

    private static T Write<T>(string relative, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpectroFlowException($"cannot write '{relative}': {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>The names a template's placeholders use, in order (built-in ones like <c>stem</c> and metadata keys).</summary>
    /// <exception cref="FormatException">The template is malformed (see <see cref="CheckTemplate"/>).</exception>
    public static IReadOnlyList<string> Placeholders(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return [.. Parse(template).Where(p => p.IsPlaceholder).Select(p => p.Name)];
    }

    /// <summary>The placeholders every item has, whatever its metadata: <c>stem</c>, <c>source_stem</c>, <c>file</c>, <c>ext</c>, <c>source_dir</c>, <c>ordinal</c>.</summary>
    public static IReadOnlySet<string> BuiltInPlaceholders { get; } = new HashSet<string>(["stem", "source_stem", "file", "ext", "source_dir", "ordinal"], StringComparer.Ordinal);

    private static string SourcePath(WorkItem item) => item.GetMetadata<string?>(WorkItem.Keys.SourcePath, null) ?? item.Roots[0];

    private static string SourceStem(WorkItem item)
    {
        string stem = Path.GetFileNameWithoutExtension(SourcePath(item));
        return stem.Length > 0 ? stem : "item";
    }

    /// <summary>The source file's name with its extension, plus <c>_{clip_index:D5}</c> for clips (<c>{file}</c>).</summary>
    private static string FileName(WorkItem item)
    {
        string name = Path.GetFileName(SourcePath(item));
        name = name.Length > 0 ? name : "item";
        return item.Metadata.TryGetValue(WorkItem.Keys.ClipIndex, out object? index) && index is long clip
            ? string.Create(CultureInfo.InvariantCulture, $"{name}_{clip:D5}")
            : name;
    }

    private static string Format(object value, string? format, string name)
    {
        try
        {
            return value is IFormattable formattable
                ? formattable.ToString(format, CultureInfo.InvariantCulture)
                : Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        }
        catch (FormatException)
        {
            throw new SpectroFlowException($"format '{format}' does not apply to '{name}' ({value.GetType().Name})");
        }
    }

    private static string Sanitize(string value)
    {
        char[] chars = value.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (Array.IndexOf(s_invalid, chars[i]) >= 0 || char.IsControl(chars[i]))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static List<Part> Parse(string template)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                literal.Append('}');
                i++;
            }
            else if (c == '{')
            {
                int end = template.IndexOf('}', i + 1);
                if (end < 0)
                {
                    throw new FormatException($"has an unclosed '{{' at position {i + 1}");
                }

                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), null, false));
                    literal.Clear();
                }

                string body = template[(i + 1)..end];
                int colon = body.IndexOf(':', StringComparison.Ordinal);
                parts.Add(colon < 0
                    ? new Part(body.Trim(), null, true)
                    : new Part(body[..colon].Trim(), body[(colon + 1)..], true));
                i = end;
            }
            else if (c == '}')
            {
                throw new FormatException($"has an unmatched '}}' at position {i + 1} (write '}}}}' for a literal brace)");
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null, false));
        }

        return parts;
    }

    private readonly record struct Part(string Name, string? Format, bool IsPlaceholder);
}
