using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Registry;

/// <summary>The value kinds an option may have in a recipe.</summary>
public enum OptionKind
{
    /// <summary>A string.</summary>
    Text,

    /// <summary>A whole number (int or long).</summary>
    WholeNumber,

    /// <summary>A number (float or double).</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>One of a fixed list of kebab-case names.</summary>
    Enum,

    /// <summary>A path relative to the output root (<see cref="OutputPath"/>).</summary>
    OutputPath,

    /// <summary>A file or folder to read, relative to the recipe file that names it (<see cref="InputPath"/>).</summary>
    InputPath,

    /// <summary>A list of strings (a YAML sequence, or one string).</summary>
    StringList,

    /// <summary>A list of files to read (a YAML sequence, or one path), each relative to the recipe file that names it.</summary>
    InputPathList,
}

/// <summary>One bindable option of an options class: recipe key, kind, range, whether it is required.</summary>
public sealed class OptionProperty
{
    private OptionProperty(PropertyInfo property, OptionKind kind, Type valueType)
    {
        Property = property;
        Kind = kind;
        ValueType = valueType;
        Key = Names.ToSnakeCase(property.Name);
        Required = property.GetCustomAttribute<RequiredMemberAttribute>() is not null || property.GetCustomAttribute<RequiredAttribute>() is not null;
        Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description;
        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            Minimum = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            Maximum = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        EnumValues = kind == OptionKind.Enum ? [.. Enum.GetNames(valueType).Select(Names.ToKebabCase)] : [];
    }

    /// <summary>The recipe key (snake_case of the property name).</summary>
    public string Key { get; }

    /// <summary>The value kind.</summary>
    public OptionKind Kind { get; }

    /// <summary>True for <c>required</c> properties and <c>[Required]</c> ones.</summary>
    public bool Required { get; }

    /// <summary>From <c>[Description]</c>, for the schema.</summary>
    public string? Description { get; }

    /// <summary>Lower bound from <c>[Range]</c>.</summary>
    public double? Minimum { get; }

    /// <summary>Upper bound from <c>[Range]</c>.</summary>
    public double? Maximum { get; }

    /// <summary>Allowed names for an enum option (kebab-case).</summary>
    public IReadOnlyList<string> EnumValues { get; }

    internal PropertyInfo Property { get; }

    internal Type ValueType { get; }

    /// <summary>The bindable properties of <paramref name="optionsType"/> (public, settable or init-only).</summary>
    /// <exception cref="ArgumentException">A property has a type recipes cannot express.</exception>
    public static IReadOnlyList<OptionProperty> For(Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(optionsType);
        var result = new List<OptionProperty>();
        foreach (PropertyInfo property in optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || !property.SetMethod.IsPublic)
            {
                continue;
            }

            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            OptionKind kind = type switch
            {
                _ when type == typeof(string) => OptionKind.Text,
                _ when type == typeof(int) || type == typeof(long) || type == typeof(ulong) => OptionKind.WholeNumber,
                _ when type == typeof(double) || type == typeof(float) => OptionKind.Number,
                _ when type == typeof(bool) => OptionKind.Boolean,
                _ when type == typeof(OutputPath) => OptionKind.OutputPath,
                _ when type == typeof(InputPath) => OptionKind.InputPath,
                _ when type.IsEnum => OptionKind.Enum,
                _ when type == typeof(string[]) || type == typeof(IReadOnlyList<string>) => OptionKind.StringList,
                _ when type == typeof(IReadOnlyList<InputPath>) => OptionKind.InputPathList,
                _ => throw new ArgumentException($"Option {optionsType.Name}.{property.Name} has type {type.Name}, which recipes cannot express.", nameof(optionsType)),
            };
            result.Add(new OptionProperty(property, kind, type));
        }

        return result;
    }
}
