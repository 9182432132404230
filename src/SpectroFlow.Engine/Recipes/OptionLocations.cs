using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Recipes;

/// <summary>Where each option value of bound options was written, for checks that run after binding (name templates).</summary>
internal static class OptionLocations
{
    private static readonly ConditionalWeakTable<IBlockOptions, Dictionary<string, SourceLocation>> s_locations = [];

    public static void Record(IBlockOptions options, string key, SourceLocation at) =>
        s_locations.GetOrCreateValue(options)[key] = at;

    public static SourceLocation? Find(IBlockOptions options, string key) =>
        s_locations.TryGetValue(options, out Dictionary<string, SourceLocation>? keys) && keys.TryGetValue(key, out SourceLocation at) ? at : null;
}
