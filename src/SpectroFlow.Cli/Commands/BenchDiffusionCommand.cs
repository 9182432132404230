using System.CommandLine;
using System.Globalization;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>bench-diffusion --unet PATH</c>: the denoising loop's per-step cost side by side with a bare
/// <c>InferenceSession.Run</c> on the same bound UNet inputs, its managed allocations per step and the peak memory.
/// </summary>
internal static class BenchDiffusionCommand
{
    public static Command Create(CliContext context)
    {
        var unet = new Option<string>("--unet") { Description = "A UNet .onnx file, or a model folder (its unet/model.onnx and scheduler config)", Required = true };
        var steps = new Option<int>("--steps") { Description = "Measured steps (each: one bare run and one pipeline step)", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured steps first", DefaultValueFactory = _ => 2 };
        var width = new Option<int>("--width") { Description = "Image width in pixels, a multiple of 8 (the latents are width / 8)", DefaultValueFactory = _ => 512 };
        var height = new Option<int>("--height") { Description = "Image height in pixels, a multiple of 8", DefaultValueFactory = _ => 512 };
        var batch = new Option<int>("--batch") { Description = "UNet batch: 2 = classifier-free guidance (the pipeline's default), 1 = none", DefaultValueFactory = _ => 2 };
        var scheduler = new Option<string>("--scheduler") { Description = "pndm, ddim, euler, euler-ancestral, lms or dpmpp2m", DefaultValueFactory = _ => "pndm" };
        var device = new Option<string>("--device") { Description = "auto (CUDA when it loads, else CPU), cpu or cuda", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = its default)", DefaultValueFactory = _ => 0 };
        batch.AcceptOnlyFromAmong("1", "2");
        scheduler.AcceptOnlyFromAmong([.. SchedulerFactory.Names]);
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var command = new Command("bench-diffusion", "Time the diffusion loop's step against a bare UNet session.Run on the same inputs (see BENCHMARKS.md)")
        {
            unet, steps, warmup, width, height, batch, scheduler, device, threads,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            int measured = result.GetValue(steps);
            int warm = result.GetValue(warmup);
            int w = result.GetValue(width);
            int h = result.GetValue(height);
            if (measured < 1)
            {
                throw new UsageException($"--steps: '{measured}' must be at least 1");
            }

            if (warm < 1)
            {
                throw new UsageException($"--warmup: '{warm}' must be at least 1 (a generation's first step allocates the scheduler's history)");
            }

            foreach ((string name, int pixels) in (ReadOnlySpan<(string, int)>)[("--width", w), ("--height", h)])
            {
                if (pixels < 8 || pixels % 8 != 0)
                {
                    throw new UsageException($"{name}: '{pixels}' must be a positive multiple of 8");
                }
            }

            if (result.GetValue(threads) < 0)
            {
                throw new UsageException($"--threads: '{result.GetValue(threads)}' must be 0 or more");
            }

            var settings = new UnetBenchmarkSettings
            {
                Batch = result.GetValue(batch),
                LatentHeight = h / 8,
                LatentWidth = w / 8,
                Scheduler = result.GetValue(scheduler) ?? "pndm",
                Device = result.GetValue(device) switch { "cpu" => ComputeDevice.Cpu, "cuda" => ComputeDevice.Cuda, _ => ComputeDevice.Auto },
                Threads = result.GetValue(threads),
            };
            using UnetBenchmark benchmark = UnetBenchmark.Load(result.GetRequiredValue(unet), settings, line => context.Error.WriteLine($"warning: {line}"));
            TextWriter o = context.Out;
            string guided = settings.Batch == 2 ? " (guidance)" : string.Empty;
            o.WriteLine(Invariant(
                $"bench-diffusion: {benchmark.ModelPath} on {benchmark.Device} ({Environment.ProcessorCount} cores), batch {settings.Batch}{guided}, latents 4x{settings.LatentHeight}x{settings.LatentWidth} ({w}x{h} px), {settings.Scheduler} ({settings.StepsPerGeneration}-step generations), {warm} warm-up + {measured} measured steps"));
            UnetBenchmarkReport report = benchmark.Measure(measured, warm, cancellationToken);
            o.WriteLine(Invariant($"bare session.Run:   {report.BareMedianMs,10:0.000} ms per step (median; fastest {report.BareMinMs:0.000})"));
            o.WriteLine(Invariant($"our step:           {report.StepMedianMs,10:0.000} ms per step (median; fastest {report.StepMinMs:0.000}; staging, same run, guidance, scheduler, NaN check)"));
            o.WriteLine(Invariant(
                $"overhead:           {report.OverheadPercent,10:+0.00;-0.00} % ({report.StepMedianMs - report.BareMedianMs:+0.000;-0.000} ms per step; median of the back-to-back pairs' differences {report.PairedDifferenceMs:+0.000;-0.000} ms)"));
            o.WriteLine(Invariant($"allocated per step: {report.StepBytesPerStep,10:0} B ours, {report.BareBytesPerStep:0} B bare session.Run (managed, calling thread)"));
            o.WriteLine(Invariant($"latent size:        {report.LatentBytes,10} B per image (UNet sample input {report.UnetInputBytes} B)"));
            o.WriteLine(Invariant($"peak working set:   {report.PeakWorkingSetBytes / (1024.0 * 1024.0),10:0.0} MiB (whole process, model load included)"));
        }));
        return command;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
