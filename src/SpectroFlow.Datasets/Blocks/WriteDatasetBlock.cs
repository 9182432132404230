using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Datasets.Captions;
using SpectroFlow.Datasets.Writing;

namespace SpectroFlow.Datasets.Blocks;

/// <summary>The folder layout a training set is written in, for the trainer that reads it.</summary>
public enum DatasetLayout
{
    /// <summary>diffusers <c>train_text_to_image.py</c>: <c>train/*.png</c> and <c>train/metadata.jsonl</c> (imagefolder).</summary>
    Diffusers,

    /// <summary>diffusers <c>train_dreambooth.py</c>: <c>instance_images/*.png</c> only, one prompt for all.</summary>
    Dreambooth,

    /// <summary>kohya-ss sd-scripts: <c>img/&lt;repeats&gt;_&lt;token&gt; &lt;class&gt;/*.png</c> with <c>.txt</c> captions and <c>dataset.toml</c>.</summary>
    Kohya,
}

/// <summary>Options of <see cref="WriteDatasetBlock"/>.</summary>
[ProducesMetadata(WriteDatasetBlock.CaptionKey)]
public sealed class WriteDatasetOptions : FileOutputOptions
{
    /// <summary>The default caption template (Jamendo tags, vocal/instrumental and the local BPM estimate).</summary>
    public const string DefaultCaption = "{genres}, {instruments}, {vartags}, {vocalinstrumental}, {bpm} bpm";

    /// <summary>The default file name: the key's folder, the source file's stem and the clip index (<c>rock_song_00003</c>).</summary>
    public const string DefaultName = "{source_dir}_{stem}";

    /// <summary>Sets the dataset defaults of the inherited options.</summary>
    public WriteDatasetOptions()
    {
        Name = DefaultName;
    }

    /// <summary>The folder layout.</summary>
    [Description("diffusers (train/ + metadata.jsonl), dreambooth (instance_images/, one prompt) or kohya (img/<repeats>_<token> <class>/ + .txt captions + dataset.toml).")]
    public DatasetLayout Layout { get; init; } = DatasetLayout.Diffusers;

    /// <summary>The caption template over item metadata (see <see cref="CaptionTemplate"/>).</summary>
    [Description("Caption template over item metadata: {name} or {name:format}; comma-separated fragments whose placeholders are all missing are dropped.")]
    public string Caption { get; init; } = DefaultCaption;

    /// <summary>The instance token (DreamBooth's rare word), required by the dreambooth layout.</summary>
    [Description("Instance token, e.g. sks: captions start with '<token> <class_prompt>'; required for layout dreambooth.")]
    public string? InstanceToken { get; init; }

    /// <summary>The class the instance token belongs to.</summary>
    [Description("Class word(s) after the instance token (default music): DreamBooth class prompt, kohya class tokens.")]
    public string ClassPrompt { get; init; } = "music";

    /// <summary>kohya repeats per epoch (in the folder name and dataset.toml).</summary>
    [Range(1, 10000)]
    [Description("kohya: times each image is repeated per epoch (folder <repeats>_<token> <class>, num_repeats).")]
    public int Repeats { get; init; } = 10;

    /// <summary>The dataset's name in README.md.</summary>
    [Description("Dataset name, the title of README.md.")]
    public string Title { get; init; } = "SpectroFlow spectrogram dataset";

    /// <inheritdoc/>
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        try
        {
            CaptionTemplate.Parse(Caption);
        }
        catch (FormatException e)
        {
            errors.Add("caption", e.Message);
        }

        if (InstanceToken is not null && (!IsWord(InstanceToken) || InstanceToken.Contains(' ', StringComparison.Ordinal)))
        {
            errors.Add("instance_token", "instance_token must be one word without commas, quotes or path characters (e.g. sks)");
        }

        if (!IsWord(ClassPrompt))
        {
            errors.Add("class_prompt", "class_prompt must be a few words without commas, quotes or path characters (e.g. music)");
        }

        if (Layout == DatasetLayout.Dreambooth && InstanceToken is null)
        {
            errors.Add("layout", "layout dreambooth needs instance_token (e.g. sks): its one prompt is 'a <token> <class_prompt>'");
        }

        if (string.IsNullOrWhiteSpace(Title) || Title.Contains('\n', StringComparison.Ordinal) || Title.Contains('\r', StringComparison.Ordinal))
        {
            errors.Add("title", "title must be one non-empty line");
        }
    }

    /// <summary>Words that can stand in a folder name, a TOML string and a shell argument as they are.</summary>
    private static bool IsWord(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text != text.Trim())
        {
            return false;
        }

        foreach (char c in text)
        {
            if (char.IsControl(c) || c is ',' or '"' or '\'' or '\\' or '/' or ':' or '*' or '?' or '<' or '>' or '|' or '$' or '`')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// <c>write-dataset</c>: writes 512×512 spectrogram slices as a training set for diffusers, DreamBooth or kohya, with
/// a caption per image (item metadata <c>caption</c>), and once the run has finished, the index files of the whole
/// set: <c>metadata.jsonl</c> or <c>dataset.toml</c> and kohya's <c>.txt</c> captions, <c>credits.csv</c>,
/// <c>CREDITS.md</c> and a <c>README.md</c> dataset card with charts.
/// </summary>
/// <remarks>
/// Items return the PNG as their one <see cref="WrittenFile"/>. kohya's caption sidecars are written by the finisher
/// from the captions the manifest keeps, like the other index files: so they always match the recorded images (those a
/// resumed run skipped too), a removed image loses its sidecar, and a shard run leaves them to the merged run.
/// </remarks>
public sealed class WriteDatasetBlock : IBlock<SpectrogramImage, WrittenFile>, IFinishingBlock
{
    /// <summary>The metadata key of an image's caption.</summary>
    public const string CaptionKey = "caption";

    /// <summary>The side of a dataset image in pixels (Riffusion's 512 frames of 10 ms, 512 mel bins).</summary>
    public const int ImageSide = 512;

    private readonly WriteDatasetOptions _options;
    private readonly DatasetServices _services;
    private readonly BlockServices _block;
    private readonly CaptionTemplate _caption;

    /// <summary>Creates the writer of step <see cref="BlockServices.StepId"/>.</summary>
    public WriteDatasetBlock(WriteDatasetOptions options, DatasetServices services, BlockServices block)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(block);
        _options = options;
        _services = services;
        _block = block;
        _caption = CaptionTemplate.Parse(options.Caption);
        Layout = new DatasetLayoutPaths(options);
    }

    /// <summary>Where this writer puts its files.</summary>
    internal DatasetLayoutPaths Layout { get; }

    /// <inheritdoc/>
    public ValueTask<WrittenFile> ProcessAsync(SpectrogramImage input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        if (input.Width != ImageSide || input.Height != ImageSide)
        {
            throw new SpectroFlowException($"dataset images must be {ImageSide}x{ImageSide} (a 5119 ms slice); got {input.Width}x{input.Height}");
        }

        string caption = _caption.Render(context.Item.Metadata, Layout.InstancePrefix);
        byte[] png = _services.EncodeSpectrogramPng(input);
        WrittenFile file = OutputNaming.Publish(context.Run, Layout.ImageFolder, _options.Name, ".png", context.Item, png);
        context.OutputMetadata[CaptionKey] = caption;
        return ValueTask.FromResult(file);
    }

    /// <inheritdoc/>
    public Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Shard is not null)
        {
            _block.Run.Log($"{_block.StepId}: shard {outcome.Shard}: dataset index files (captions, credits, README) are written by one unsharded run after 'spectroflow merge-manifests'");
            return Task.CompletedTask;
        }

        new DatasetIndexWriter(_options, Layout, _caption, _services, _block.StepId, _block.Run.OutputRoot, _block.Run.Log).Write(outcome, cancellationToken);
        return Task.CompletedTask;
    }
}
