using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>Reads task parameters; a missing or mistyped one becomes a <see cref="TaskFailureException"/> naming it.</summary>
internal static class Parameters
{
    public static string RequiredString(this JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
            throw TaskFailureException.Invalid($"parameter '{name}' is required and must be a non-empty string");
        return v.GetString()!;
    }

    public static string? OptionalString(this JsonElement p, string name) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static double RequiredNumber(this JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number)
            throw TaskFailureException.Invalid($"parameter '{name}' is required and must be a number");
        return v.GetDouble();
    }

    public static bool OptionalBool(this JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw TaskFailureException.Invalid($"parameter '{name}' must be true or false"),
        };
    }
}
