using System.Text.Json;
using Ccdsvm.Shared.Contracts.Paths;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// The validation of a kind's parameters that needs no machine: shapes, ranges, allowed words and the path
/// grammar (<see cref="UnitPath"/>). The station runs it at admission; the agent's contracts run it again
/// when they read an order (<see cref="KindContract{TParameters, TResult}.Read(JsonElement)"/>).
/// </summary>
public static class ParameterRules
{
    /// <summary>Checks parameters against the specs; returns a message naming every problem, or null.</summary>
    public static string? Validate(string kind, IReadOnlyList<ParameterSpec> specs, JsonElement parameters, Func<JsonElement, string?>? rules = null, IReadOnlyCollection<string>? alsoKnown = null)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
            return $"parameters must be a JSON object; {kind} takes: {Describe(specs)}";
        var problems = new List<string>();
        var known = specs.Select(p => p.Name).Concat(alsoKnown ?? []).ToHashSet(StringComparer.Ordinal);
        foreach (var prop in parameters.EnumerateObject())
            if (!known.Contains(prop.Name)) problems.Add($"unknown parameter '{prop.Name}'");
        foreach (var spec in specs)
        {
            if (!parameters.TryGetProperty(spec.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (spec.Required) problems.Add($"missing parameter '{spec.Name}' ({spec.Type.ToString().ToLowerInvariant()}: {spec.Description})");
                continue;
            }
            var problem = CheckValue(spec, value);
            if (problem is not null) problems.Add(problem);
        }
        if (problems.Count == 0 && rules?.Invoke(parameters) is { } rule) problems.Add(rule);
        return problems.Count == 0 ? null : $"{string.Join("; ", problems)}. {kind} takes: {Describe(specs)}";
    }

    public static string? CheckValue(ParameterSpec spec, JsonElement value)
    {
        switch (spec.Type)
        {
            case ParameterType.String when spec.Allowed is { } allowed && value.ValueKind == JsonValueKind.String && !allowed.Contains(value.GetString()!, StringComparer.Ordinal):
                return $"parameter '{spec.Name}' must be one of {string.Join(", ", allowed)}; got '{value.GetString()}'";
            case ParameterType.NumberOrWord:
                return CheckNumberOrWord(spec, value);
            case ParameterType.StringArray or ParameterType.ObjectArray:
                return CheckArray(spec, value);
            case ParameterType.Object:
                return CheckObject(spec, value);
            case ParameterType.String when value.ValueKind != JsonValueKind.String:
                return $"parameter '{spec.Name}' must be a {(spec.AllowEmpty ? "" : "non-empty ")}string";
            case ParameterType.String when !spec.AllowEmpty && string.IsNullOrWhiteSpace(value.GetString()):
                return $"parameter '{spec.Name}' must be a non-empty string";
            case ParameterType.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                return $"parameter '{spec.Name}' must be true or false";
            case ParameterType.Number when value.ValueKind != JsonValueKind.Number:
                return $"parameter '{spec.Name}' must be a number";
            case ParameterType.Number:
                double n = value.GetDouble();
                if (spec.Whole && n != Math.Floor(n)) return $"parameter '{spec.Name}' must be a whole number";
                // 1E2 or 1e-400 are whole numbers to a person but not to a whole-number field: ask for plain digits.
                if (spec.Whole && !value.TryGetInt64(out _) && Math.Abs(n) < 9e18) return $"parameter '{spec.Name}' must be a whole number written in plain digits (such as 100), without a decimal point or exponent";
                if (spec.Min is { } min && n < min) return $"parameter '{spec.Name}' must be at least {min}";
                if (spec.Max is { } max && n > max) return $"parameter '{spec.Name}' must be at most {max}";
                return null;
            case ParameterType.String when spec.IsPath:
                if (!UnitPath.TryCanonicalize(value.GetString(), out var canonicalPath, out var pathProblem)) return $"parameter '{spec.Name}' {pathProblem}";
                return spec.Under is { } under && !UnitPath.IsAtOrBelow(canonicalPath, under) || canonicalPath == spec.Under
                    ? $"parameter '{spec.Name}' must name something under {spec.Under}/" : null;
            case ParameterType.String when value.GetString()!.Length > (spec.Max ?? 4096):
                return $"parameter '{spec.Name}' is longer than {spec.Max ?? 4096:0} characters";
            default:
                return null;
        }
    }

    private static string? CheckNumberOrWord(ParameterSpec spec, JsonElement value)
    {
        var words = spec.Allowed ?? [];
        if (value.ValueKind == JsonValueKind.String && words.Contains(value.GetString()!, StringComparer.Ordinal)) return null;
        if (value.ValueKind != JsonValueKind.Number)
            return $"parameter '{spec.Name}' must be a number{string.Concat(words.Select(w => $" or \"{w}\""))}";
        return CheckValue(spec with { Type = ParameterType.Number }, value);
    }

    private static string? CheckArray(ParameterSpec spec, JsonElement value)
    {
        string items = spec.Type == ParameterType.StringArray ? "strings" : "objects";
        if (value.ValueKind != JsonValueKind.Array) return $"parameter '{spec.Name}' must be an array of {items}";
        int count = value.GetArrayLength();
        if (spec.Min is { } min && count < min) return $"parameter '{spec.Name}' needs at least {min} item{(min == 1 ? "" : "s")}, got {count}";
        if (spec.Max is { } max && count > max) return $"parameter '{spec.Name}' takes at most {max} items, got {count}";
        var problems = new List<string>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string at = $"{spec.Name}[{i++}]";
            if (spec.Type == ParameterType.StringArray)
            {
                if (CheckValue(new ParameterSpec(at, ParameterType.String, true, spec.Description, Allowed: spec.Allowed, IsPath: spec.IsPath, Under: spec.Under), item) is { } p) problems.Add(p);
                continue;
            }
            if (item.ValueKind != JsonValueKind.Object) { problems.Add($"parameter '{at}' must be an object"); continue; }
            var fields = spec.Items ?? [];
            foreach (var prop in item.EnumerateObject())
                if (!fields.Any(f => f.Name == prop.Name)) problems.Add($"unknown field '{at}.{prop.Name}'");
            foreach (var field in fields)
            {
                if (!item.TryGetProperty(field.Name, out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    if (field.Required) problems.Add($"missing field '{at}.{field.Name}' ({field.Description})");
                    continue;
                }
                if (CheckValue(field with { Name = $"{at}.{field.Name}" }, v) is { } p) problems.Add(p);
            }
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static string? CheckObject(ParameterSpec spec, JsonElement value)
    {
        var fields = spec.Items ?? [];
        string shape = "{" + string.Join(", ", fields.Select(f => f.Name)) + "}";
        if (value.ValueKind != JsonValueKind.Object)
            return $"parameter '{spec.Name}' must be an object {shape}";
        foreach (var prop in value.EnumerateObject())
            if (!fields.Any(f => f.Name == prop.Name)) return $"parameter '{spec.Name}' has an unknown field '{prop.Name}'; it takes {shape}";
        foreach (var field in fields)
        {
            if (!value.TryGetProperty(field.Name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (field.Required) return $"parameter '{spec.Name}' misses '{field.Name}' ({field.Description})";
                continue;
            }
            if (CheckValue(field with { Name = $"{spec.Name}.{field.Name}" }, v) is { } problem) return problem;
        }
        return null;
    }

    /// <summary>"name (type), other (type, optional)": what a refusal lists as what the kind takes.</summary>
    public static string Describe(IReadOnlyList<ParameterSpec> specs) => specs.Count == 0
        ? "no parameters"
        : string.Join(", ", specs.Select(p => $"{p.Name} ({p.Type.ToString().ToLowerInvariant()}{(p.Required ? "" : ", optional")})"));
}
