using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.EndToEnd.Tests.Fuzz;

/// <summary>A parameter of an operation: in the path, the query or a header, with its OpenAPI type.</summary>
public sealed record OperationParameter(string Name, string In, string Type);

/// <summary>One REST operation the fuzz calls.</summary>
public sealed record Operation(string Method, string Template, IReadOnlyList<OperationParameter> Parameters, bool Described, bool Streams = false)
{
    public override string ToString() => $"{Method} {Template}";
}

/// <summary>A kind's parameters as its OpenAPI schema declares them (name, type, nested members of objects).</summary>
public sealed record KindParameter(string Name, string Type, IReadOnlyList<KindParameter> Members);

/// <summary>
/// Every REST operation of the station: those its OpenAPI document describes (so a new endpoint is fuzzed without
/// touching the fuzz), plus the few it hides from the document on purpose (the agents' relay and upload source, the
/// health check, the console's form login), which <see cref="HiddenCount"/> keeps honest.
/// </summary>
public static partial class RestOperations
{
    /// <summary>Endpoints mapped with <c>ExcludeFromDescription()</c>; one entry per call in the sources (the relay maps three methods at once).</summary>
    public static readonly Operation[] Hidden =
    [
        new("GET", "/healthz", [], false),
        new("GET", "/ca.crt", [], false),
        new("POST", "/account/login", [new("username", "form", "string"), new("password", "form", "string"), new("totp", "form", "string"), new("returnUrl", "form", "string")], false),
        new("POST", "/account/logout", [], false),
        new("GET", DataPlaneRoutes.UploadsPrefix + DataPlaneRoutes.File, [new("path", "query", "string"), new(DataPlaneRoutes.TicketHeader, "header", "string")], false),
        new("DELETE", DataPlaneRoutes.UploadsPrefix + DataPlaneRoutes.File, [new("path", "query", "string"), new(DataPlaneRoutes.TicketHeader, "header", "string")], false),
        new("GET", DataPlaneRoutes.RelayPrefix + "/{unit}/{route}", Relay, false),
        new("PUT", DataPlaneRoutes.RelayPrefix + "/{unit}/{route}", Relay, false),
        new("DELETE", DataPlaneRoutes.RelayPrefix + "/{unit}/{route}", Relay, false),
        new("PUT", DataPlaneRoutes.AnswersPrefix + "/{id}", [new("id", "path", "string"), new(DataPlaneRoutes.AnswerStatusHeader, "header", "string")], false),
        // The terminal's WebSocket as Chromium opens it over HTTP/2 (the GET beside it is documented).
        new("CONNECT", "/api/v1/terminal/{id}", [new("id", "path", "integer")], false),
    ];

    private static OperationParameter[] Relay =>
    [
        new("unit", "path", "string"), new("route", "catchall", "string"), new("path", "query", "string"),
        new(DataPlaneRoutes.TicketHeader, "header", "string"), new(DataPlaneRoutes.SessionHeader, "header", "string"),
    ];

    /// <summary>How many <c>ExcludeFromDescription()</c> calls <see cref="Hidden"/> stands for (the relay's one call maps three methods).</summary>
    public static int HiddenCount => Hidden.Length - 2;

    public static IReadOnlyList<Operation> FromOpenApi(JsonElement document)
    {
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                if (op.Name == "parameters") continue;
                var parameters = new List<OperationParameter>();
                if (op.Value.TryGetProperty("parameters", out var ps))
                    foreach (var p in ps.EnumerateArray())
                        parameters.Add(new(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!, TypeOf(p.TryGetProperty("schema", out var s) ? s : default)));
                bool streams = op.Value.TryGetProperty("responses", out var responses) && responses.GetRawText().Contains("text/event-stream", StringComparison.Ordinal);
                operations.Add(new(op.Name.ToUpperInvariant(), path.Name, parameters, true, streams));
            }
        }
        return operations;
    }

    /// <summary>The parameters of every task kind, from the <c>{kind}.parameters</c> schemas the station documents.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<KindParameter>> Kinds(JsonElement document)
    {
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var kinds = new SortedDictionary<string, IReadOnlyList<KindParameter>>(StringComparer.Ordinal);
        foreach (var schema in schemas.EnumerateObject())
            if (schema.Name.EndsWith(".parameters", StringComparison.Ordinal))
                kinds[schema.Name[..^".parameters".Length]] = Members(schema.Value, schemas, 0);
        return kinds;
    }

    private static List<KindParameter> Members(JsonElement schema, JsonElement schemas, int depth)
    {
        schema = Resolve(schema, schemas);
        var members = new List<KindParameter>();
        if (depth > 3 || !schema.TryGetProperty("properties", out var props)) return members;
        foreach (var p in props.EnumerateObject())
        {
            var resolved = Resolve(p.Value, schemas);
            members.Add(new(p.Name, TypeOf(resolved), Members(resolved, schemas, depth + 1)));
        }
        return members;
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement schemas)
    {
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var r) && r.GetString() is { } reference)
            return schemas.TryGetProperty(reference[(reference.LastIndexOf('/') + 1)..], out var target) ? target : schema;
        return schema;
    }

    private static string TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type)) return "any";
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t is not ("null" or "string")) ?? "string"
            : type.GetString() ?? "any";
    }

    /// <summary>The <c>{name}</c> placeholders of a route template, in order.</summary>
    public static IEnumerable<string> Placeholders(string template) =>
        PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{\*{0,2}([^}:]+)(:[^}]*)?\}")]
    public static partial Regex PlaceholderPattern();
}
