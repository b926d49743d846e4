using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>A place on a unit: <c>{unit, path}</c>.</summary>
public sealed record UnitPath(string Unit, string Path)
{
    public override string ToString() => $"{Unit}:{Path}";
}

/// <summary>
/// The parameters of <c>data.move</c> as the destination agent receives them: what the user sent plus the
/// <c>transfer</c> object the station adds at dispatch (ticket, source data-plane address, route).
/// </summary>
public sealed record DataMoveRequest(
    UnitPath Source,
    UnitPath Destination,
    bool Move,
    bool Overwrite,
    bool Verify,
    double? BandwidthMiBps,
    string Ticket,
    string? SourceUrl,
    string Route)
{
    public const string RouteAuto = "auto";
    public const string RouteDirect = "direct";
    public const string RouteRelay = "relay";

    public static DataMoveRequest Parse(JsonElement p)
    {
        var source = Location(p, "source");
        var destination = Location(p, "destination");
        string mode = p.OptionalString("mode") ?? "copy";
        if (mode is not ("copy" or "move")) throw new TaskFailure($"parameter 'mode' must be \"copy\" or \"move\", not \"{mode}\"");
        double? bandwidth = p.TryGetProperty("bandwidthMiBps", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetDouble() : null;
        if (bandwidth is <= 0) throw new TaskFailure("parameter 'bandwidthMiBps' must be positive");
        if (!p.TryGetProperty("transfer", out var t) || t.ValueKind != JsonValueKind.Object)
            throw new TaskFailure("the order carries no transfer ticket; data.move must be dispatched by a station that issues one");
        string route = t.OptionalString("route") ?? RouteAuto;
        if (route is not (RouteAuto or RouteDirect or RouteRelay)) throw new TaskFailure($"unknown transfer route '{route}'");
        return new DataMoveRequest(source, destination, mode == "move", Flag(p, "overwrite", false), Flag(p, "verify", true), bandwidth,
            t.RequiredString("ticket"), t.OptionalString("sourceUrl"), route);
    }

    private static UnitPath Location(JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Object)
            throw new TaskFailure($"parameter '{name}' is required: an object {{unit, path}}");
        return new UnitPath(v.RequiredString("unit"), v.RequiredString("path"));
    }

    private static bool Flag(JsonElement p, string name, bool fallback) =>
        p.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => fallback,
            _ => throw new TaskFailure($"parameter '{name}' must be true or false"),
        } : fallback;
}
