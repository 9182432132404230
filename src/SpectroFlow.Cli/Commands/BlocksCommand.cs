using System.CommandLine;
using System.Globalization;
using System.Reflection;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>blocks</c>: every registered block with its options, types, defaults and descriptions.</summary>
internal static class BlocksCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("blocks", "List the blocks recipes can use, with their options");
        command.SetAction((_, _) => context.RunAsync(() =>
        {
            foreach (string line in Describe(context.CreateRegistry()))
            {
                context.Out.WriteLine(line);
            }
        }));
        return command;
    }

    public static IEnumerable<string> Describe(BlockRegistry registry)
    {
        foreach (BlockDescriptor block in registry.All)
        {
            string types = block.Shape == BlockShape.Pair
                ? $"{string.Join(", ", block.Ports.Select(p => $"{p.Name}: {p.Type.Name}"))} -> {block.OutputType.Name}"
                : block.InputType is null ? $"-> {block.OutputType.Name}" : $"{block.InputType.Name} -> {block.OutputType.Name}";
            yield return $"{block.Name} ({(block.ExpandsPairs ? "expanding pair" : block.Shape.ToString().ToLowerInvariant())}, {block.Kind.ToString().ToLowerInvariant()}, {types}): {block.Description}";
            object? defaults = TryCreate(block.OptionsType);
            foreach (OptionProperty option in block.Options)
            {
                PropertyInfo? property = block.OptionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(p => string.Equals(p.Name, option.Key.Replace("_", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
                var parts = new List<string> { option.Kind.ToString().ToLowerInvariant() };
                if (option.Required)
                {
                    parts.Add("required");
                }
                else if (defaults is not null && property?.GetValue(defaults) is { } value)
                {
                    parts.Add("default " + Format(value));
                }

                if (option.Minimum is not null || option.Maximum is not null)
                {
                    parts.Add(string.Create(CultureInfo.InvariantCulture, $"range {option.Minimum}..{option.Maximum}"));
                }

                if (option.EnumValues.Count > 0)
                {
                    parts.Add("one of " + string.Join("|", option.EnumValues));
                }

                string description = option.Description is null ? string.Empty : " - " + option.Description;
                yield return $"  {option.Key}: {string.Join(", ", parts)}{description}";
            }
        }
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static object? TryCreate(Type type)
    {
        try
        {
            return Activator.CreateInstance(type);
        }
        catch (Exception e) when (e is MissingMethodException or TargetInvocationException or MemberAccessException)
        {
            return null;
        }
    }

    private static string Format(object value) => value switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        Enum e => Kebab(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(Format)) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
