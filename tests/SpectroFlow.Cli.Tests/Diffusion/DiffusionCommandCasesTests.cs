using System.Globalization;
using System.Text.Json;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests.Diffusion;

/// <summary>
/// Every pipeline case of the tiny fixtures (tiny-sd: int32 ids, float timesteps; tiny-sd-int64: optimum's int64 ids
/// and timesteps, latent_parameters) reproduced through the CLI a user runs: <c>generate</c> for txt2img and img2img,
/// <c>riff --alpha</c> for the interpolation. The final latents (--save-latents) must be within 5e-4 and the PNG's
/// pixels within ±1 on at most 1 % of values, the fixtures' tolerances.
/// </summary>
public sealed class DiffusionCommandCasesTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("sf-diffusion-cli-").FullName;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string model in (string[])["tiny-sd", "tiny-sd-int64"])
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(TestFiles.Fixture(Path.Combine(model, "cases.json"))));
            foreach (JsonElement item in document.RootElement.GetProperty("cases").EnumerateArray())
            {
                data.Add(model, item.GetProperty("id").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_ThroughTheCli_MatchesTheReference(string model, string id)
    {
        string folder = TestFiles.Fixture(model);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "cases.json")));
        JsonElement item = document.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        JsonElement inputs = item.GetProperty("inputs");
        JsonElement expected = item.GetProperty("expected");
        string png = Path.Combine(_work, id + ".png");
        string latents = Path.Combine(_work, id + ".latents.bin");
        string Fixture(JsonElement entry) => Path.Combine(folder, entry.GetProperty("file").GetString()!);
        string Number(string name) => item.GetProperty(name).GetDouble().ToString("R", CultureInfo.InvariantCulture);

        List<string> args = item.GetProperty("kind").GetString() == "interpolate_riffusion"
            ? [
                "riff", "--model", folder, "--alpha", Number("alpha"),
                "--from", item.GetProperty("start").GetProperty("prompt").GetString()!,
                "--to", item.GetProperty("end").GetProperty("prompt").GetString()!,
                "--guidance-from", Side(item, "start", "guidance"), "--guidance-to", Side(item, "end", "guidance"),
                "--denoising-from", Side(item, "start", "denoising"), "--denoising-to", Side(item, "end", "denoising"),
                "--seed-image", Fixture(inputs.GetProperty("init_image_png")),
                "--noise-from", Fixture(inputs.GetProperty("noise_a")), "--noise-to", Fixture(inputs.GetProperty("noise_b")),
            ]
            : [
                "generate", "--model", folder, "--prompt", item.GetProperty("prompt").GetString()!,
                "--negative", item.GetProperty("negative_prompt").GetString()!,
                "--guidance", Number("guidance_scale"),
                "--width", item.GetProperty("width").GetInt32().ToString(CultureInfo.InvariantCulture),
                "--height", item.GetProperty("height").GetInt32().ToString(CultureInfo.InvariantCulture),
                "--init-noise", Fixture(inputs.GetProperty("noise")),
            ];
        if (item.GetProperty("kind").GetString() == "img2img_legacy")
        {
            args.AddRange(["--init-image", Fixture(inputs.GetProperty("init_image_png")), "--strength", Number("strength"), "--legacy-strength"]);
        }

        args.AddRange([
            "--steps", item.GetProperty("num_inference_steps").GetInt32().ToString(CultureInfo.InvariantCulture),
            "--scheduler", item.GetProperty("scheduler").GetProperty("name").GetString()!,
            "--device", "cpu", "--save-latents", latents, png,
        ]);

        CliResult result = await CliRunner.RunAsync([.. args]);

        result.ExitCode.Should().Be(0, result.Error);
        float[] actual = ImageTensors.ReadRaw(latents, 4 * (item.GetProperty("height").GetInt32() / 8) * (item.GetProperty("width").GetInt32() / 8), "latents");
        float[] reference = ImageTensors.ReadRaw(Fixture(expected.GetProperty("latents")), actual.Length, "latents");
        actual.Zip(reference, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThanOrEqualTo(5e-4f, "final latents");
        byte[] ours = SpectrogramPng.ReadAnyHeight(png).Rgb;
        byte[] theirs = SpectrogramPng.ReadAnyHeight(Fixture(expected.GetProperty("image_png"))).Rgb;
        ours.Should().HaveCount(theirs.Length);
        int differing = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            Math.Abs(ours[i] - theirs[i]).Should().BeLessThanOrEqualTo(1, $"pixel value {i}");
            differing += ours[i] == theirs[i] ? 0 : 1;
        }

        differing.Should().BeLessThanOrEqualTo(ours.Length / 100, "at most 1 % of the values may be off by one");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string Side(JsonElement item, string side, string key) =>
        item.GetProperty(side).GetProperty(key).GetDouble().ToString("R", CultureInfo.InvariantCulture);
}
