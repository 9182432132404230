namespace SpectroFlow.Engine.Recipes;

/// <summary>Reserved keys of the recipe format.</summary>
internal static class RecipeKeys
{
    public static readonly string[] TopLevel = ["include", "description", "seed", "params", "inputs", "steps", "outputs", "report"];

    public static readonly string[] Step = ["id", "use", "from", "inputs", "pairing", "one", "group", "parallelism", "capacity"];

    public static readonly string[] Outputs = ["root", "keep"];
}
