using System.Globalization;
using BenchmarkDotNet.Running;
using SpectroFlow.TestKit.Onnx;

if (args is ["make-sd-unet-block", string output, ..])
{
    // A UNet file for `spectroflow bench-diffusion --unet OUT.onnx` (the CLI ships no generator).
    string folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
    Directory.CreateDirectory(folder);
    int seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : SdUnetBlockModel.DefaultSeed;
    long parameters = SdUnetBlockModel.Write(output, seed);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output}: full-size-shaped SD 1.x UNet block, {parameters:N0} weights, seed {seed}"));
    return;
}

if (args is ["phase-quality", ..])
{
    Environment.ExitCode = SpectroFlow.Benchmarks.PhaseQuality.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
