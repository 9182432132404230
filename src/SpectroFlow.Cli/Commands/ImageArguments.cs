using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;

namespace SpectroFlow.Cli.Commands;

/// <summary>Image arguments of the commands that take many spectrograms (join, concat).</summary>
internal static class ImageArguments
{
    /// <summary>The image files a folder argument contributes (told apart by content when read; these by name).</summary>
    private static readonly string[] s_imageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp"];

    /// <summary>
    /// The images the arguments name: files as given, folders' image files (by extension, not recursive); all in natural
    /// order of their paths (clip_2 before clip_10, whatever order a shell glob gave).
    /// </summary>
    /// <param name="arguments">Files and folders, as given.</param>
    /// <param name="verb">What the command does with them, for messages (join, concat).</param>
    public static List<string> Collect(IReadOnlyList<string> arguments, string verb)
    {
        var images = new List<string>();
        foreach (string argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                List<string> found = [.. Directory.EnumerateFiles(argument)
                    .Where(f => s_imageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))];
                if (found.Count == 0)
                {
                    throw new SpectroFlowException($"{argument}: the folder has no images (png, jpg, jpeg, bmp, webp) to {verb}");
                }

                images.AddRange(found);
            }
            else if (File.Exists(argument))
            {
                images.Add(argument);
            }
            else
            {
                throw new SpectroFlowException($"{argument}: file or folder not found");
            }
        }

        images.Sort(NaturalStringComparer.Instance);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string image in images)
        {
            if (!seen.Add(Path.GetFullPath(image)))
            {
                throw new UsageException($"{image}: the image is given twice");
            }
        }

        return images;
    }
}
