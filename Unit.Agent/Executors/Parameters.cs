using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>Reads task parameters; a missing or mistyped one becomes a <see cref="TaskFailure"/> naming it.</summary>
internal static class Parameters
{
    public static string RequiredString(this JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
            throw new TaskFailure($"parameter '{name}' is required and must be a non-empty string");
        return v.GetString()!;
    }

    public static string? OptionalString(this JsonElement p, string name) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static double RequiredNumber(this JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number)
            throw new TaskFailure($"parameter '{name}' is required and must be a number");
        return v.GetDouble();
    }

    public static bool OptionalBool(this JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TaskFailure($"parameter '{name}' must be true or false"),
        };
    }

    public static long RequiredMiB(this JsonElement p, string name, long min, long max = 16L * 1024 * 1024)
    {
        double n = p.RequiredNumber(name);
        if (n != Math.Floor(n) || n < min || n > max)
            throw new TaskFailure($"parameter '{name}' must be a whole number of MiB between {min} and {max}");
        return (long)n;
    }

    public static string OneOf(this JsonElement p, string name, params string[] allowed)
    {
        string value = p.RequiredString(name);
        if (!allowed.Contains(value, StringComparer.Ordinal))
            throw new TaskFailure($"parameter '{name}' must be one of {string.Join(", ", allowed)}; got '{value}'");
        return value;
    }

    public static JsonElement RequiredArray(this JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
            throw new TaskFailure($"parameter '{name}' is required and must be a non-empty array");
        return v;
    }

    /// <summary>Names of volumes, owners and arrays become file names and mount points: keep them plain.</summary>
    public static string RequiredName(this JsonElement p, string name)
    {
        string value = p.RequiredString(name);
        if (value.Length > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || value[0] is '-' or '_')
            throw new TaskFailure($"parameter '{name}' must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit; got '{value}'");
        return value;
    }
}
