using SpectroFlow.Core.Blocks;
using SpectroFlow.Datasets.Blocks;

namespace SpectroFlow.Datasets.Writing;

/// <summary>Where a dataset writer puts its files and what prompts its layout implies.</summary>
internal sealed class DatasetLayoutPaths
{
    public DatasetLayoutPaths(WriteDatasetOptions options)
    {
        Kind = options.Layout;
        Token = options.InstanceToken;
        ClassPrompt = options.ClassPrompt;
        Repeats = options.Repeats;
        ClassTokens = Token is null ? ClassPrompt : $"{Token} {ClassPrompt}";
        InstancePrefix = Token is null ? null : ClassTokens;
        ImageDir = Kind switch
        {
            DatasetLayout.Dreambooth => "instance_images",
            DatasetLayout.Kohya => $"img/{Repeats}_{ClassTokens}",
            _ => "train",
        };
        Root = options.Folder;
        string root = Root.Relative.TrimEnd('/', '\\');
        ImageFolder = new OutputPath(root is "" or "." ? ImageDir : $"{root}/{ImageDir}");
    }

    public DatasetLayout Kind { get; }

    public string? Token { get; }

    public string ClassPrompt { get; }

    public int Repeats { get; }

    /// <summary><c>sks music</c> (kohya's class tokens; the class alone without a token).</summary>
    public string ClassTokens { get; }

    /// <summary>What every caption starts with: the token and class, or null without a token.</summary>
    public string? InstancePrefix { get; }

    /// <summary>DreamBooth's one prompt: <c>a sks music</c>.</summary>
    public string InstancePrompt => $"a {ClassTokens}";

    /// <summary>The dataset's folder under the output root.</summary>
    public OutputPath Root { get; }

    /// <summary>The image folder relative to <see cref="Root"/>, '/' separated.</summary>
    public string ImageDir { get; }

    /// <summary>The image folder under the output root.</summary>
    public OutputPath ImageFolder { get; }
}
