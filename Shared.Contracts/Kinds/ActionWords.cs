using System.Text.Json;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>The words an action enum travels as (camelCase, as <see cref="KindJson"/> writes enums), for a parameter's allowed values.</summary>
public static class ActionWords
{
    public static IReadOnlyList<string> Of<TAction>() where TAction : struct, Enum =>
        Enum.GetNames<TAction>().Select(JsonNamingPolicy.CamelCase.ConvertName).ToList();

    public static string Of<TAction>(TAction action) where TAction : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(action.ToString());
}
