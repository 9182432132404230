using System.Text.Json;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.TestKit;

namespace SpectroFlow.Diffusion.Tests.Pipelines;

/// <summary>The fixtures' cases.json: the pipeline cases of tiny-sd and tiny-sd-int64, with their tensors.</summary>
public sealed class ReferenceCases
{
    private ReferenceCases(string folder, JsonElement root)
    {
        Folder = folder;
        Root = root;
    }

    /// <summary>The model folder (cases.json lies in it).</summary>
    public string Folder { get; }

    /// <summary>The parsed cases.json.</summary>
    public JsonElement Root { get; }

    /// <summary>Loads the cases of fixture <paramref name="model"/> (tiny-sd or tiny-sd-int64).</summary>
    public static ReferenceCases Load(string model)
    {
        string folder = TestFiles.Fixture(model);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "cases.json")));
        return new ReferenceCases(folder, document.RootElement.Clone());
    }

    /// <summary>Every (model, case id) pair, for theories.</summary>
    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (string model in (string[])["tiny-sd", "tiny-sd-int64"])
        {
            foreach (JsonElement item in Load(model).Root.GetProperty("cases").EnumerateArray())
            {
                data.Add(model, item.GetProperty("id").GetString()!);
            }
        }

        return data;
    }

    /// <summary>The case with id <paramref name="id"/>.</summary>
    public JsonElement Case(string id)
    {
        foreach (JsonElement item in Root.GetProperty("cases").EnumerateArray())
        {
            if (item.GetProperty("id").GetString() == id)
            {
                return item;
            }
        }

        throw new KeyNotFoundException(id);
    }

    /// <summary>A tensor file described by an entry with "file".</summary>
    public float[] Tensor(JsonElement entry) => ImageTensors.ReadRaw(Path.Combine(Folder, entry.GetProperty("file").GetString()!), Count(entry), "tensor");

    /// <summary>The absolute path of an entry's file.</summary>
    public string PathOf(JsonElement entry) => Path.Combine(Folder, entry.GetProperty("file").GetString()!);

    private static int Count(JsonElement entry)
    {
        int count = 1;
        foreach (JsonElement dim in entry.GetProperty("shape").EnumerateArray())
        {
            count *= dim.GetInt32();
        }

        return count;
    }
}
