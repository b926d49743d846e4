using System.Text.Json;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// The parameter that decides which tools a kind needs on a unit (<see cref="UnitAbilities.ToolChoice"/>: a RAID's engine,
/// a file system), judged by the station's own check through <see cref="IConsoleTasks.CannotRun"/>: a form starts from a value
/// the unit can run, and says why a chosen one cannot.
/// </summary>
public static class ToolChoices
{
    /// <summary>
    /// The value of the kind's tool choice a form starts from: <paramref name="preferred"/> (else the default) when the unit
    /// can run it, else the first value it can; null when the kind has no such choice, or the default already works unset.
    /// </summary>
    public static string? Choose(this IConsoleTasks tasks, string kind, string unit, string? preferred = null)
    {
        if (UnitAbilities.ToolChoice(kind) is not { } choice) return null;
        if (preferred is null && tasks.CannotRun(kind, unit, Parameters(choice.Name, null)) is null) return null;
        var order = preferred is null ? choice.Values : [preferred, .. choice.Values.Where(v => v != preferred)];
        return order.FirstOrDefault(v => tasks.CannotRun(kind, unit, Parameters(choice.Name, v)) is null) ?? preferred;
    }

    /// <summary>Why the unit cannot run the kind with the tool choice as the form holds it (null: it can, or nothing decides); and the field it concerns.</summary>
    public static Precondition? Refusal(this IConsoleTasks tasks, string kind, string unit, Func<string, string?> value)
    {
        if (UnitAbilities.ToolChoice(kind) is not { } choice) return null;
        return tasks.CannotRun(kind, unit, Parameters(choice.Name, value(choice.Name))) is { } refusal ? new Precondition(choice.Name, refusal) : null;
    }

    private static JsonElement Parameters(string name, string? value)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(value)) parameters[name] = value.Trim();
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(parameters));
        return doc.RootElement.Clone();
    }
}
