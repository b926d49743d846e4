using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>A {unit, path} parameter as a form holds it: JSON text, read and written field by field.</summary>
public static class Location
{
    public static (string? Unit, string? Path) Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return (null, null);
        try
        {
            var node = JsonNode.Parse(json) as JsonObject;
            return (Text(node?["unit"]), Text(node?["path"]));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The JSON for a location; null when both parts are empty, so a required location reads as missing.</summary>
    public static string? Write(string? unit, string? path)
    {
        if (string.IsNullOrEmpty(unit) && string.IsNullOrEmpty(path)) return null;
        var node = new JsonObject();
        if (!string.IsNullOrEmpty(unit)) node["unit"] = unit;
        if (!string.IsNullOrEmpty(path)) node["path"] = path;
        return node.ToJsonString();
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
