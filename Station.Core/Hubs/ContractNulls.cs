using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Finds a null where a hub method's contract says there is always a value: a parameter, or a member of a record it
/// takes (down through records and lists). MessagePack reads nil into any reference, so a hostile or broken agent can
/// send one anywhere; the agent hub refuses such a call by name before any handler runs.
/// </summary>
public static class ContractNulls
{
    private const int MaxDepth = 8;
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, NullabilityInfo Info)[]> Members = new();
    private static readonly ConcurrentDictionary<ParameterInfo, NullabilityInfo> Parameters = new();

    /// <summary>The path of the first missing value (such as <c>inventory.roots</c>), or null when every required value is there.</summary>
    public static string? FindMissing(MethodInfo method, IReadOnlyList<object?> arguments)
    {
        var parameters = method.GetParameters();
        for (int i = 0; i < parameters.Length && i < arguments.Count; i++)
        {
            var info = NullabilityOf(parameters[i]);
            if (Find(arguments[i], info, parameters[i].Name ?? $"argument {i}", 0) is { } missing) return missing;
        }
        return null;
    }

    private static NullabilityInfo NullabilityOf(ParameterInfo parameter) => Parameters.GetOrAdd(parameter, p =>
    {
        lock (Nullability) return Nullability.Create(p);
    });

    private static string? Find(object? value, NullabilityInfo info, string path, int depth)
    {
        if (value is null) return info.Type.IsValueType || info.ReadState != NullabilityState.NotNull ? null : path;
        if (depth >= MaxDepth || value is string) return null;
        if (value is IEnumerable items && info.GenericTypeArguments.Length == 1)
        {
            int i = 0;
            foreach (var item in items)
                if (Find(item, info.GenericTypeArguments[0], $"{path}[{i++}]", depth + 1) is { } missing) return missing;
            return null;
        }
        if (value is IEnumerable || value.GetType().Namespace?.StartsWith("Ccdsvm.", StringComparison.Ordinal) != true) return null;
        foreach (var (property, member) in MembersOf(value.GetType()))
        {
            if (Find(property.GetValue(value), member, $"{path}.{char.ToLowerInvariant(property.Name[0])}{property.Name[1..]}", depth + 1) is { } missing) return missing;
        }
        return null;
    }

    /// <summary>A record's public properties with their nullability, read once per type.</summary>
    private static (PropertyInfo, NullabilityInfo)[] MembersOf(Type type) => Members.GetOrAdd(type, t =>
    {
        lock (Nullability)
            return [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).Select(p => (p, Nullability.Create(p)))];
    });
}
