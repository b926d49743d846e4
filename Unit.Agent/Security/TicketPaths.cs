using System.Text.Json;
using Ccdsvm.Shared.Contracts.Paths;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Security;

/// <summary>
/// The unit acts only on the canonical paths its signed ticket names, so a mistake at the station can never
/// widen what an order reaches: every file resource of this unit in the ticket must be canonical; every path
/// parameter of the kind (<see cref="KindPaths"/>) must be canonical and its resource must be in the ticket;
/// and where a path leads through a symbolic link, the place it resolves to must be named by the ticket too
/// (the resource itself or one below a named directory), since the station authorised the name, not the link.
/// </summary>
public static class TicketPaths
{
    public static string? Refusal(TaskTicket ticket, string parametersJson, string unit, PathGuard paths)
    {
        var named = new List<string>();
        foreach (var resource in ticket.Resources)
        {
            if (ResourcePath.Parse(resource) is not { IsFile: true } r || r.Unit != unit) continue;
            string path = r.Rest;
            if (!UnitPath.IsCanonical(path))
                return UnitRefusal.Because($"the ticket names '{Shorten(resource)}', which is not a canonical path");
            named.Add(path);
        }
        var kindPaths = KindPaths.For(ticket.Kind);
        if (kindPaths.Count == 0) return null;
        JsonDocument doc;
        // The station sends JSON it validated; anything else is refused here, in words, never thrown at the connection.
        try { doc = JsonDocument.Parse(parametersJson); }
        catch (JsonException ex) { return UnitRefusal.Because($"the order's parameters are not valid JSON ({Shorten(ex.Message)})"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return UnitRefusal.Because("the order's parameters are not a JSON object");
        foreach (var parameter in kindPaths)
        {
            if (!TryGet(doc.RootElement, parameter.Chain, out var value)) continue;
            if (value.ValueKind != JsonValueKind.String)
                return UnitRefusal.Because($"parameter '{parameter.Name}' must be a path");
            string path;
            // An escaped lone surrogate is valid JSON but no text: no path at all.
            try { path = value.GetString()!; }
            catch (InvalidOperationException) { return UnitRefusal.Because($"parameter '{parameter.Name}' is not valid text (a lone UTF-16 surrogate)"); }
            if (!UnitPath.IsCanonical(path))
                return UnitRefusal.Because($"parameter '{parameter.Name}' ('{Shorten(path)}') is not a canonical path (absolute, no '.', '..' or empty segments); the station sends only canonical paths");
            if (!named.Contains(path, StringComparer.Ordinal))
                return UnitRefusal.Because($"the ticket does not name '{UnitPath.Resource(unit, Shorten(path))}', the path of parameter '{parameter.Name}'");
            if (!parameter.UnderMountRoot && LinkRefusal(parameter, path, named, paths) is { } link) return link;
        }
        return null;
    }

    /// <summary>Where the path resolves elsewhere through a symbolic link, that place must be named too.</summary>
    private static string? LinkRefusal(PathParameter parameter, string path, List<string> named, PathGuard paths)
    {
        string resolved;
        // Outside the roots is refused by the executor (and by the policy on the ticket's resources) in its own words.
        try { resolved = parameter.FollowsLastLink ? paths.Resolve(path) : paths.ResolveEntry(path); }
        catch (TaskFailureException) { return null; }
        if (resolved == path || named.Any(n => UnitPath.IsAtOrBelow(resolved, n))) return null;
        return UnitRefusal.Because($"'{Shorten(path)}' leads through a symbolic link to '{Shorten(resolved)}', which the order's ticket does not name; name '{Shorten(resolved)}' itself, so the station can authorise and lock it");
    }

    private static bool TryGet(JsonElement element, string[] chain, out JsonElement value)
    {
        value = element;
        foreach (var name in chain)
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value)) return false;
        return value.ValueKind != JsonValueKind.Null;
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
