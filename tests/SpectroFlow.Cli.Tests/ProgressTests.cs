using System.Diagnostics;
using SpectroFlow.Cli.Commands;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>Progress words and ETA, and the live display in a real pseudo-terminal.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-progress-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Eta_FromFinishedItems_CountsTheUnlistedRestAtTheShareThatRuns()
    {
        // 20 of 100 listed, 10 of them run (the rest skipped), 5 finished in 10 s: 80 × 10/20 + 5 = 45 left at 0.5/s.
        var counts = new StepCounts(Received: 10, Succeeded: 10, Failed: 0, Cancelled: 0, Produced: 10, Listed: 20, Expected: 100, Finished: 5);

        ProgressText.Eta(counts, TimeSpan.FromSeconds(10)).Should().Be(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public void Eta_WithoutCompletionTracking_FollowsTheListing()
    {
        var counts = new StepCounts(25, 25, 0, 0, 25, Listed: 25, Expected: 100);

        ProgressText.Eta(counts, TimeSpan.FromSeconds(10)).Should().Be(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(0L, 100L, 0L)] // nothing listed yet
    [InlineData(20L, null, 5L)] // size unknown
    [InlineData(20L, 100L, 0L)] // nothing finished yet
    public void Eta_Unknown_IsNull(long listed, long? expected, long finished)
    {
        var counts = new StepCounts(listed, listed, 0, 0, listed, listed, expected, finished);

        ProgressText.Eta(counts, TimeSpan.FromSeconds(10)).Should().BeNull();
    }

    [Fact]
    public void Describe_InputAndStep()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "in"));
        RunPlan plan = new RecipeLoader(BlockCatalog.Create()).LoadText(
            "inputs:\n  - id: songs\n    folder: in\nsteps:\n  - id: decode\n    use: decode\n", "r.yaml", _directory);
        var input = new StepCounts(Received: 10, Succeeded: 10, Failed: 0, Cancelled: 0, Produced: 10, Listed: 20, Expected: 100, Finished: 5);
        var step = new StepCounts(Received: 8, Succeeded: 7, Failed: 1, Cancelled: 0, Produced: 7);

        ProgressText.Describe(plan.Steps[0], input, TimeSpan.FromSeconds(10)).Should().Be("songs: 5/10 done, 10 skipped, 20/100 listed, eta 0:01:30");
        ProgressText.Describe(plan.Steps[1], step, TimeSpan.FromSeconds(2)).Should().Be("decode: 7 done, 1 failed, 3.5/s");
    }

    [Fact]
    public async Task Run_InATerminal_DrawsBarsPerStep_WithLogLinesAboveThem()
    {
        string input = Path.Combine(_directory, "in");
        Directory.CreateDirectory(input);
        for (int i = 0; i < 3; i++)
        {
            File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, $"song{i}.wav"));
        }

        string recipe = Path.Combine(_directory, "r.yaml");
        await File.WriteAllTextAsync(recipe, """
            inputs:
              - id: songs
                folder: in
            steps:
              - id: clips
                use: decode-slices
              - id: mel
                use: mel
              - id: image
                use: encode-image
              - id: png
                use: write-image
            outputs:
              root: out
            """);
        string cli = Path.Combine(AppContext.BaseDirectory, "spectroflow");

        // script(1) runs the command on a pseudo-terminal, so stderr is a terminal as in an interactive shell.
        var info = new ProcessStartInfo("script", ["-qefc", $"'{cli}' run '{recipe}'", "/dev/null"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TERM"] = "xterm-256color";
        info.Environment["COLUMNS"] = "160";
        using Process process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(0, output);
        output.Should().Contain("━", "progress bars are drawn")
            .And.Contain("songs: 3/3 done, 0 skipped, 3/3 listed")
            .And.Contain("png: 6 done, 0 failed")
            .And.Contain("6 files written, 0 items skipped");
        string[] lines = output.Split('\n');
        lines.Should().Contain(l => l.Contains("info: folder", StringComparison.Ordinal));
        lines.Should().NotContain(l => l.Contains("info:", StringComparison.Ordinal) && l.Contains('━'), "log lines are printed above the bars, not through them");
        Directory.GetFiles(Path.Combine(_directory, "out"), "*.png", SearchOption.AllDirectories).Should().HaveCount(6);
    }

    [Fact]
    public async Task LiveProgress_InATerminal_PrintsEachItemErrorOnce()
    {
        string input = Path.Combine(_directory, "in");
        Directory.CreateDirectory(input);
        File.WriteAllBytes(Path.Combine(input, "broken.wav"), []);
        string recipe = Path.Combine(_directory, "r.yaml");
        await File.WriteAllTextAsync(recipe, "inputs:\n  - id: songs\n    folder: in\nsteps:\n  - id: clips\n    use: decode-slices\n  - id: mel\n    use: mel\n  - id: image\n    use: encode-image\n  - id: png\n    use: write-image\noutputs:\n  root: out\n");
        string cli = Path.Combine(AppContext.BaseDirectory, "spectroflow");
        var info = new ProcessStartInfo("script", ["-qefc", $"'{cli}' run '{recipe}'", "/dev/null"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TERM"] = "xterm-256color";
        info.Environment["COLUMNS"] = "80";
        using Process process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(1, output);
        output.Split('\n').Where(l => l.Contains("broken.wav", StringComparison.Ordinal)).Should().ContainSingle(output)
            .Which.Should().StartWith("clips: #0 broken.wav: ");
        output.Should().Contain("0 files written, 0 items skipped (already done), 1 error in").And.NotContain("1 files");
    }
}
