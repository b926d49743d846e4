using System.Text.Json;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

public enum ParameterType { String, Number, Boolean }

/// <summary>One parameter of a task kind: what forms render and what validation checks.</summary>
public sealed record ParameterSpec(string Name, ParameterType Type, bool Required, string Description, double? Min = null, double? Max = null, string? Example = null);

/// <summary>A task kind: its parameters, the privilege it needs, its stages and its lock plan.</summary>
public sealed record TaskKindDefinition(
    string Kind,
    string Title,
    string Privilege,
    int StageCount,
    bool Destructive,
    IReadOnlyList<ParameterSpec> Parameters,
    Func<string, JsonElement, IReadOnlyList<LockRequest>> LockPlan)
{
    /// <summary>Checks parameters against the spec; returns a message naming every problem, or null.</summary>
    public string? Validate(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
            return $"parameters must be a JSON object; {Kind} takes: {Describe()}";
        var problems = new List<string>();
        var known = Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var prop in parameters.EnumerateObject())
            if (!known.Contains(prop.Name)) problems.Add($"unknown parameter '{prop.Name}'");
        foreach (var spec in Parameters)
        {
            if (!parameters.TryGetProperty(spec.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (spec.Required) problems.Add($"missing parameter '{spec.Name}' ({spec.Type.ToString().ToLowerInvariant()}: {spec.Description})");
                continue;
            }
            var problem = CheckValue(spec, value);
            if (problem is not null) problems.Add(problem);
        }
        return problems.Count == 0 ? null : $"{string.Join("; ", problems)}. {Kind} takes: {Describe()}";
    }

    public static string? CheckValue(ParameterSpec spec, JsonElement value)
    {
        switch (spec.Type)
        {
            case ParameterType.String when value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()):
                return $"parameter '{spec.Name}' must be a non-empty string";
            case ParameterType.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                return $"parameter '{spec.Name}' must be true or false";
            case ParameterType.Number when value.ValueKind != JsonValueKind.Number:
                return $"parameter '{spec.Name}' must be a number";
            case ParameterType.Number:
                double n = value.GetDouble();
                if (spec.Min is { } min && n < min) return $"parameter '{spec.Name}' must be at least {min}";
                if (spec.Max is { } max && n > max) return $"parameter '{spec.Name}' must be at most {max}";
                return null;
            case ParameterType.String when value.GetString()!.Length > 4096:
                return $"parameter '{spec.Name}' is longer than 4096 characters";
            default:
                return null;
        }
    }

    public string Describe() => Parameters.Count == 0
        ? "no parameters"
        : string.Join(", ", Parameters.Select(p => $"{p.Name} ({p.Type.ToString().ToLowerInvariant()}{(p.Required ? "" : ", optional")})"));
}
