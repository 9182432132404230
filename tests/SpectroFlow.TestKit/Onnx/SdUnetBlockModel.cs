using System.Globalization;

namespace SpectroFlow.TestKit.Onnx;

/// <summary>
/// Writes a full-size-shaped Stable Diffusion 1.x UNet: the real UNet's I/O contract (<c>sample</c> f32
/// [batch_size, 4, height, width], <c>timestep</c> f32 [steps], <c>encoder_hidden_states</c> f32
/// [batch_size, sequence_length, 768] → <c>out_sample</c> f32 [batch_size, 4, height, width], all dynamic but the
/// channels and the text width) around the ops of one real down block at full width (320 channels), as the
/// diffusers export writes them at opset 17:
/// <list type="bullet">
/// <item>conv_in 4→320 3×3; sinusoidal time embedding of the timestep in-graph ([cos, sin], 160 frequencies) →
/// Linear 320→1280, SiLU, Linear 1280→1280;</item>
/// <item>a ResNet block: GroupNorm(32) as Reshape + InstanceNormalization, SiLU as x·Sigmoid(x), 3×3 conv 320→320,
/// + SiLU → Linear 1280→320 of the time embedding per channel, GroupNorm, SiLU, 3×3 conv 320→320, residual;</item>
/// <item>a Transformer2D block at H·W tokens (4096 at 64×64 latents), 320 wide, 8 heads of 40: GroupNorm, 1×1
/// proj_in, LayerNorm + self-attention (MatMul, Softmax, MatMul), LayerNorm + cross-attention to the text (K/V
/// projections 768→320), LayerNorm + GEGLU feed-forward (320→2×1280, GELU as Erf, 1280→320), 1×1 proj_out,
/// residual;</item>
/// <item>conv_norm_out (GroupNorm), SiLU, conv_out 320→4 3×3.</item>
/// </list>
/// Weights are uniform random with variance 1/fan_in from a fixed seed, so activations stay O(1); the final GroupNorm
/// bounds the output whatever the input's scale, so a sampling loop on it stays finite. The real UNet has 16 such
/// transformer blocks (5 of them at this 4096-token level) and 22 ResNet blocks: a step here costs a fraction of a real
/// step, with the same kind of work and the same buffers at the model boundary. No downsampling: any latent height and
/// width work.
/// </summary>
public static class SdUnetBlockModel
{
    /// <summary>The block's width (SD 1.x's first down block).</summary>
    public const int Channels = 320;

    /// <summary>The text embedding width (CLIP ViT-L/14).</summary>
    public const int TextWidth = 768;

    /// <summary>Attention heads (SD 1.x).</summary>
    public const int Heads = 8;

    /// <summary>The seed of the weights.</summary>
    public const int DefaultSeed = 20261206;

    private const int TimeWidth = 1280;
    private const int Groups = 32;
    private static readonly Lock s_gate = new();

    /// <summary>
    /// Writes the model to <paramref name="path"/> (about 26 MB) and returns the number of weights.
    /// The same seed gives the same file.
    /// </summary>
    public static long Write(string path, int seed = DefaultSeed)
    {
        var builder = new Builder(seed);
        builder.Build();
        builder.Graph.Save(path, opset: 17, producer: "SpectroFlow.TestKit", new Dictionary<string, string>
        {
            ["spectroflow.fixture"] = "full-size-shaped SD 1.x UNet block with random weights (benchmarks and tests only)",
        });
        return builder.Graph.ParameterCount;
    }

    /// <summary>The model written once per seed under the system temp folder (reused by later calls and runs).</summary>
    public static string Temporary(int seed = DefaultSeed)
    {
        string folder = Path.Combine(Path.GetTempPath(), "spectroflow-sd-unet-block");
        // The version in the name keeps files of an older graph from being reused: raise it whenever Build changes.
        string path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"unet-block-v1-{seed}.onnx"));
        lock (s_gate)
        {
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(folder);
                Write(path, seed);
            }
        }

        return path;
    }

    private sealed class Builder
    {
        private readonly Random _random;

        public Builder(int seed)
        {
            _random = new Random(seed);
            Graph = new OnnxGraph("sd_unet_block");
        }

        public OnnxGraph Graph { get; }

        public void Build()
        {
            Graph.Input("sample", OnnxGraph.ElementFloat, "batch_size", 4, "height", "width");
            Graph.Input("timestep", OnnxGraph.ElementFloat, "steps");
            Graph.Input("encoder_hidden_states", OnnxGraph.ElementFloat, "batch_size", "sequence_length", TextWidth);
            Graph.Output("out_sample", OnnxGraph.ElementFloat, "batch_size", 4, "height", "width");

            string time = TimeEmbedding("timestep");
            string h = Conv("conv_in", "sample", 4, Channels, 3);
            h = ResNet("down_blocks.0.resnets.0", h, time);
            h = Transformer("down_blocks.0.attentions.0", h, "encoder_hidden_states");
            string output = Silu(GroupNorm("conv_norm_out", h, Channels, 1e-5f));
            Conv("conv_out", output, Channels, 4, 3, outputName: "out_sample");
        }

        private string TimeEmbedding(string timestep)
        {
            const int half = Channels / 2;
            var frequencies = new float[half];
            for (int i = 0; i < half; i++)
            {
                frequencies[i] = (float)Math.Exp(-Math.Log(10000) * i / half);
            }

            string column = Graph.Node("Unsqueeze", [timestep, Graph.Ints("axes", 1)]);
            string angles = Graph.Node("Mul", [column, Graph.Weight("time_proj.frequencies", frequencies, half)]);
            string sinusoid = Graph.Node("Concat", [Graph.Node("Cos", [angles]), Graph.Node("Sin", [angles])], OnnxAttr.Whole("axis", 1));
            string first = Silu(Linear("time_embedding.linear_1", sinusoid, Channels, TimeWidth));
            return Linear("time_embedding.linear_2", first, TimeWidth, TimeWidth);
        }

        private string ResNet(string prefix, string input, string time)
        {
            string x = Conv(prefix + ".conv1", Silu(GroupNorm(prefix + ".norm1", input, Channels, 1e-5f)), Channels, Channels, 3);
            string perChannel = Linear(prefix + ".time_emb_proj", Silu(time), TimeWidth, Channels);
            x = Graph.Node("Add", [x, Graph.Node("Unsqueeze", [perChannel, Graph.Ints("axes", 2, 3)])]);
            x = Conv(prefix + ".conv2", Silu(GroupNorm(prefix + ".norm2", x, Channels, 1e-5f)), Channels, Channels, 3);
            return Graph.Node("Add", [input, x]);
        }

        private string Transformer(string prefix, string input, string text)
        {
            string x = Conv(prefix + ".proj_in", GroupNorm(prefix + ".norm", input, Channels, 1e-6f), Channels, Channels, 1);
            string tokens = Graph.Node("Transpose", [Graph.Node("Reshape", [x, Graph.Ints("shape", 0, Channels, -1)])], OnnxAttr.List("perm", 0, 2, 1));
            string block = prefix + ".transformer_blocks.0";
            string normed = LayerNorm(block + ".norm1", tokens);
            tokens = Graph.Node("Add", [tokens, Attention(block + ".attn1", normed, normed, Channels)]);
            tokens = Graph.Node("Add", [tokens, Attention(block + ".attn2", LayerNorm(block + ".norm2", tokens), text, TextWidth)]);
            tokens = Graph.Node("Add", [tokens, FeedForward(block + ".ff", LayerNorm(block + ".norm3", tokens))]);
            string image = Graph.Node("Reshape", [Graph.Node("Transpose", [tokens], OnnxAttr.List("perm", 0, 2, 1)), Graph.Node("Shape", [input])]);
            return Graph.Node("Add", [input, Conv(prefix + ".proj_out", image, Channels, Channels, 1)]);
        }

        private string Attention(string prefix, string query, string context, int contextWidth)
        {
            const int headWidth = Channels / Heads;
            string q = Heads4(Linear(prefix + ".to_q", query, Channels, Channels, bias: false), 0, 2, 1, 3);
            string k = Heads4(Linear(prefix + ".to_k", context, contextWidth, Channels, bias: false), 0, 2, 3, 1);
            string v = Heads4(Linear(prefix + ".to_v", context, contextWidth, Channels, bias: false), 0, 2, 1, 3);
            string scores = Graph.Node("Mul", [Graph.Node("MatMul", [q, k]), Graph.Scalar("attention_scale", 1 / MathF.Sqrt(headWidth))]);
            string weights = Graph.Node("Softmax", [scores], OnnxAttr.Whole("axis", -1));
            string heads = Graph.Node("Transpose", [Graph.Node("MatMul", [weights, v])], OnnxAttr.List("perm", 0, 2, 1, 3));
            string merged = Graph.Node("Reshape", [heads, Graph.Ints("shape", 0, -1, Channels)]);
            return Linear(prefix + ".to_out.0", merged, Channels, Channels);

            string Heads4(string x, params long[] perm) =>
                Graph.Node("Transpose", [Graph.Node("Reshape", [x, Graph.Ints("shape", 0, -1, Heads, headWidth)])], OnnxAttr.List("perm", perm));
        }

        private string FeedForward(string prefix, string input)
        {
            const int inner = 4 * Channels;
            string projected = Linear(prefix + ".net.0.proj", input, Channels, 2 * inner);
            string axes = Graph.Ints("axes", -1);
            string hidden = Graph.Node("Slice", [projected, Graph.Ints("starts", 0), Graph.Ints("ends", inner), axes]);
            string gate = Graph.Node("Slice", [projected, Graph.Ints("starts", inner), Graph.Ints("ends", 2 * inner), axes]);
            return Linear(prefix + ".net.2", Graph.Node("Mul", [hidden, Gelu(gate)]), inner, Channels);
        }

        /// <summary>torch's GroupNorm as its ONNX export writes it: InstanceNormalization over [B, groups, rest], then the per-channel affine.</summary>
        private string GroupNorm(string prefix, string input, int channels, float epsilon)
        {
            string grouped = Graph.Node("Reshape", [input, Graph.Ints("shape", 0, Groups, -1)]);
            string unitScale = Graph.Weight(prefix + ".group_scale", Filled(Groups, 1), Groups);
            string zeroBias = Graph.Weight(prefix + ".group_bias", new float[Groups], Groups);
            string normalized = Graph.Node("InstanceNormalization", [grouped, unitScale, zeroBias], OnnxAttr.Real("epsilon", epsilon));
            string back = Graph.Node("Reshape", [normalized, Graph.Node("Shape", [input])]);
            string scaled = Graph.Node("Mul", [back, Graph.Weight(prefix + ".weight", Around(channels, 1, 0.1f), channels, 1, 1)]);
            return Graph.Node("Add", [scaled, Graph.Weight(prefix + ".bias", Around(channels, 0, 0.1f), channels, 1, 1)]);
        }

        private string LayerNorm(string prefix, string input) =>
            Graph.Node(
                "LayerNormalization",
                [input, Graph.Weight(prefix + ".weight", Around(Channels, 1, 0.1f), Channels), Graph.Weight(prefix + ".bias", Around(Channels, 0, 0.1f), Channels)],
                OnnxAttr.Whole("axis", -1),
                OnnxAttr.Real("epsilon", 1e-5f));

        private string Conv(string prefix, string input, int inChannels, int outChannels, int kernel, string? outputName = null)
        {
            int fanIn = inChannels * kernel * kernel;
            string weight = Graph.Weight(prefix + ".weight", Uniform(outChannels * fanIn, fanIn), outChannels, inChannels, kernel, kernel);
            string bias = Graph.Weight(prefix + ".bias", Uniform(outChannels, fanIn), outChannels);
            int pad = kernel / 2;
            OnnxAttr[] attributes = [OnnxAttr.List("kernel_shape", kernel, kernel), OnnxAttr.List("pads", pad, pad, pad, pad)];
            return outputName is null
                ? Graph.Node("Conv", [input, weight, bias], attributes)
                : Graph.NamedNode(outputName, "Conv", [input, weight, bias], attributes);
        }

        private string Linear(string prefix, string input, int inWidth, int outWidth, bool bias = true)
        {
            string product = Graph.Node("MatMul", [input, Graph.Weight(prefix + ".weight", Uniform(inWidth * outWidth, inWidth), inWidth, outWidth)]);
            return bias ? Graph.Node("Add", [product, Graph.Weight(prefix + ".bias", Uniform(outWidth, inWidth), outWidth)]) : product;
        }

        private string Silu(string x) => Graph.Node("Mul", [x, Graph.Node("Sigmoid", [x])]);

        /// <summary>Exact GELU as torch exports it: 0.5 · x · (1 + erf(x / √2)).</summary>
        private string Gelu(string x)
        {
            string erf = Graph.Node("Erf", [Graph.Node("Mul", [x, Graph.Scalar("inverse_sqrt2", 1 / MathF.Sqrt(2))])]);
            string onePlus = Graph.Node("Add", [erf, Graph.Scalar("one", 1)]);
            return Graph.Node("Mul", [Graph.Node("Mul", [x, onePlus]), Graph.Scalar("half", 0.5f)]);
        }

        /// <summary>Uniform values with variance 1 / <paramref name="fanIn"/> (PyTorch's default initialisation, ×√3).</summary>
        private float[] Uniform(int count, int fanIn)
        {
            float bound = MathF.Sqrt(3f / fanIn);
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = ((2 * _random.NextSingle()) - 1) * bound;
            }

            return values;
        }

        private float[] Around(int count, float centre, float spread)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = centre + (((2 * _random.NextSingle()) - 1) * spread);
            }

            return values;
        }

        private static float[] Filled(int count, float value)
        {
            var values = new float[count];
            Array.Fill(values, value);
            return values;
        }
    }
}
