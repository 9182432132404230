namespace SpectroFlow.Engine.Recipes;

/// <summary>How a pair block's two ports are paired (<c>pairing:</c> in the recipe).</summary>
public enum Pairing
{
    /// <summary>Not a pair step.</summary>
    None,

    /// <summary>
    /// Items with the same key within their inputs (<c>a/x.wav#2</c> with <c>b/x.wav#2</c>: the source's relative path and
    /// the clip's position); the default with <c>inputs:</c>. An item without a partner fails once the other side ends.
    /// </summary>
    ByKey,

    /// <summary>The i-th item of one port with the i-th of the other, both in natural order.</summary>
    Zip,

    /// <summary>Every item of one port with the single item of the port named by <c>one:</c> (a mask, a reference).</summary>
    EachWithOne,

    /// <summary>Consecutive items of one stream (<c>from:</c>), i with i+1, in natural order, within each group.</summary>
    Window,
}

/// <summary>What a group (or a window) spans (<c>group:</c> in the recipe).</summary>
public enum Grouping
{
    /// <summary>The items descending from one source item (the clips of one song); the default.</summary>
    Source,

    /// <summary>Every item of the step, across sources.</summary>
    All,
}

/// <summary>Recipe spellings of <see cref="Pairing"/>.</summary>
public static class PairingNames
{
    /// <summary><c>by-key</c>, <c>zip</c>, <c>each-with-one</c>, <c>window</c> (<c>none</c> for steps that do not pair).</summary>
    public static string ToRecipeName(this Pairing pairing) => pairing switch
    {
        Pairing.ByKey => "by-key",
        Pairing.Zip => "zip",
        Pairing.EachWithOne => "each-with-one",
        Pairing.Window => "window",
        _ => "none",
    };
}
