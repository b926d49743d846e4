using System.CommandLine;
using Spectre.Console;
using System.Text.Json;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>The read-mostly nouns: <c>units</c>, <c>locks</c>, <c>audit</c> (<c>units tag</c> is in FleetCommands).</summary>
public static class ListCommands
{
    private static readonly Column[] UnitColumns =
    [
        Column.Of("ID", "id"), Column.Of("NAME", "name"), Column.Of("STATUS", "status"), Column.Of("OS", "os"),
        Column.Of("CPUS", "cpuCount"), Column.Of("ADDRESSES", "addresses"), Column.Of("ROOTS", "roots"),
    ];

    public static Command Units()
    {
        var status = new Option<string?>("--status") { Description = "only units that are online or offline" };
        status.AcceptOnlyFromAmong("online", "offline");
        var search = new Option<string?>("--search") { Description = "units whose id, name or address contains this text" };
        var tag = new Option<string?>("--tag") { Description = "units carrying this tag" };
        var os = new Option<string?>("--os") { Description = "units whose operating system contains this text" };
        var parent = new Option<string?>("--parent") { Description = "units directly below this unit (station: the units of this station)" };
        var limit = new Option<int?>("--limit") { Description = "at most this many units (the total is said on standard error)" };
        var list = new Command("list", "The units you may see, filtered at the station.") { status, search, tag, os, parent, limit };
        list.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            string query = Query(("status", parse.GetValue(status)), ("search", parse.GetValue(search)), ("tag", parse.GetValue(tag)), ("os", parse.GetValue(os)), ("parent", parse.GetValue(parent)),
                ("limit", parse.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var answer = await client.GetAsync("api/v1/units" + query, token).ConfigureAwait(false);
            // With a filter the station answers a page: {items, total, nextCursor}; without, the plain list.
            var units = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("items", out var items) ? items : answer;
            if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("total", out var total))
                inv.Note($"{units.GetArrayLength()} of {total} units");
            Output.Print(inv, units, UnitColumns);
            return ExitCodes.Success;
        }));

        var id = new Argument<string>("UNIT") { Description = "the unit's id (station is the station itself)" };
        var show = new Command("show", "One unit: status, system, disks, file roots.") { id };
        show.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            string unit = parse.GetValue(id)!;
            var view = await GetUnitAsync(client, unit, token).ConfigureAwait(false);
            Output.PrintObject(inv, view);
            return ExitCodes.Success;
        }));
        return new Command("units", "Units (hosts with an agent) of the fleet.") { list, show, FleetCommands.Tag() };
    }

    /// <summary>GET /api/v1/units/{id}; a 404 names the closest unit.</summary>
    public static async Task<JsonElement> GetUnitAsync(StationClient client, string unit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await client.GetAsync("api/v1/units/" + Uri.EscapeDataString(unit), ct).ConfigureAwait(false);
        }
        catch (CliException ex) when (ex.ExitCode == ExitCodes.NotFound)
        {
            throw new CliException(ExitCodes.NotFound, $"unit '{unit}' not found{Suggest.Hint(unit, await UnitIdsAsync(client, ct).ConfigureAwait(false), "units")}");
        }
    }

    public static async Task<IReadOnlyList<string>> UnitIdsAsync(StationClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var units = await client.GetAsync("api/v1/units", ct).ConfigureAwait(false);
        return [.. units.EnumerateArray().Select(u => Output.Text(u, "id"))];
    }

    public static Command Locks()
    {
        var list = new Command("list", "Locks held and waited for, with who holds what a waiting task needs.");
        list.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            var table = await client.GetAsync("api/v1/locks", token).ConfigureAwait(false);
            if (inv.Format != OutputFormat.Table)
            {
                Output.Print(inv, table, []);
                return ExitCodes.Success;
            }
            var held = table.GetProperty("held");
            var waiting = table.GetProperty("waiting");
            if (!inv.Quiet) inv.Out.WriteLine($"held: {held.GetArrayLength()}");
            Output.Print(inv, held, [Column.Of("RESOURCE", "resource"), Column.Of("MODE", "mode"), Column.Of("TASK", "taskId"),
                Column.Of("OWNER", "owner"), Column.Of("KIND", "kind"), Column.Time("SINCE", "since")]);
            if (!inv.Quiet) inv.Out.WriteLine($"waiting: {waiting.GetArrayLength()}");
            Output.Print(inv, waiting, [Column.Of("TASK", "taskId"), Column.Of("RESOURCE", "resource"), Column.Of("MODE", "mode"),
                new Column("WAITS FOR", w => WaitChain(w))]);
            return ExitCodes.Success;
        }));
        return new Command("locks", "The station's lock table.") { list };
    }

    private static string WaitChain(JsonElement waiter)
    {
        if (waiter.TryGetProperty("holders", out var holders) && holders.ValueKind == JsonValueKind.Array && holders.GetArrayLength() > 0)
            return string.Join("; ", holders.EnumerateArray().Select(h =>
                $"task {Output.Text(h, "taskId")} of {Output.Text(h, "owner")} ({Output.Text(h, "kind")}{(Output.Text(h, "reason") is { Length: > 0 } r ? ": " + r : "")})"));
        return "task " + Output.Text(waiter, "heldBy");
    }

    public static Command Audit()
    {
        var actor = new Option<string?>("--user") { Description = "only entries of this user" };
        var action = new Option<string?>("--action") { Description = "only this action (login, task.submit, …)" };
        var outcome = new Option<string?>("--outcome") { Description = "only this outcome (allowed, denied, …)" };
        var text = new Option<string?>("--text") { Description = "only entries containing this text" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "entries at or after this time (ISO 8601)" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "entries before this time (ISO 8601)" };
        var limit = new Option<int?>("--limit") { Description = "at most this many entries (default 200)" };
        var list = new Command("list", "The audit log: every security decision and every task (administrators).") { actor, action, outcome, text, from, to, limit };
        list.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            string query = Query(("actor", parse.GetValue(actor)), ("action", parse.GetValue(action)), ("outcome", parse.GetValue(outcome)),
                ("text", parse.GetValue(text)), ("from", parse.GetValue(from)?.ToString("o")), ("to", parse.GetValue(to)?.ToString("o")),
                ("limit", parse.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Output.Print(inv, await client.GetAsync("api/v1/audit" + query, token).ConfigureAwait(false),
                [Column.Time("AT", "at"), Column.Of("USER", "actor"), Column.Of("ACTION", "action"), Column.Of("TARGET", "target"),
                 Column.Of("OUTCOME", "outcome"), Column.Of("DETAIL", "detail")]);
            return ExitCodes.Success;
        }));
        return new Command("audit", "The station's audit log.") { list };
    }

    /// <summary>"?a=1&amp;b=2" from the values given, or "".</summary>
    public static string Query(params (string Name, string? Value)[] parts)
    {
        var given = parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }
}
