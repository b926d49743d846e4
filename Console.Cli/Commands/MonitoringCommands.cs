using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// <c>metrics UNIT [--live]</c> (GET /api/v1/units/{id}/metrics, /metrics/live) and <c>processes UNIT</c>
/// (GET /api/v1/units/{id}/processes): a unit's figures and process table; -o json prints the REST JSON.
/// </summary>
public static class MonitoringCommands
{
    /// <summary>How many processes a table shows when --limit is not given.</summary>
    public const int DefaultTableLimit = 25;

    public static Command Metrics()
    {
        var unit = UnitArgument("the unit to show, e.g. station (see 'ccdsvm units list')");
        var live = new Option<bool>("--live") { Description = "follow the unit's full-rate readings until Ctrl-C: a table refreshed in place with sparklines on a terminal, "
            + "one timestamped line per reading otherwise (-o json: one JSON object per line)" };
        var count = new Option<int?>("--count") { Description = "with --live: stop after this many readings (exit 0)" };
        var from = new Option<string?>("--from") { Description = "start of the history, ISO 8601 (default: one hour before --to)" };
        var to = new Option<string?>("--to") { Description = "end of the history, ISO 8601 (default: now)" };
        var step = new Option<string?>("--step") { Description = "resolution of the history: 1s, 1m or 1h (default: the finest kept for the range)" };
        step.AcceptOnlyFromAmong("1s", "1m", "1h");
        var command = new Command("metrics", "A unit's current figures (CPU, memory, network, disk I/O) with the average and peak over the history range; --live follows them.")
        {
            unit, live, count, from, to, step,
        };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string id = parse.GetValue(unit)!;
            bool following = parse.GetValue(live);
            int? limit = parse.GetValue(count);
            if (limit is <= 0) throw new CliException(ExitCodes.Usage, "--count must be at least 1");
            if (limit is not null && !following) throw new CliException(ExitCodes.Usage, "--count goes with --live");
            if (following && (parse.GetValue(from) ?? parse.GetValue(to) ?? parse.GetValue(step)) is not null)
                throw new CliException(ExitCodes.Usage, "--from, --to and --step choose a history; --live follows new readings instead: use one or the other");
            using var client = inv.Open();
            if (following) return await MetricsLive.FollowAsync(inv, client, id, limit, token).ConfigureAwait(false);
            string query = ListCommands.Query(("from", parse.GetValue(from)), ("to", parse.GetValue(to)), ("step", parse.GetValue(step)));
            var history = await GetForUnitAsync(client, id, $"metrics{query}", token).ConfigureAwait(false);
            if (inv.Format != OutputFormat.Table) Output.Print(inv, history, []);
            else PrintHistory(inv, history);
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Processes()
    {
        var unit = UnitArgument("the unit whose processes to list, e.g. station (see 'ccdsvm units list')");
        var limit = new Option<int?>("--limit", "-n") { Description = $"show the busiest this many (default {DefaultTableLimit} in a table; -o json prints all unless given)" };
        var command = new Command("processes", "A unit's processes, busiest first (CPU, then memory), read from the unit now.") { unit, limit };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string id = parse.GetValue(unit)!;
            int? max = parse.GetValue(limit);
            if (max is <= 0) throw new CliException(ExitCodes.Usage, "--limit must be at least 1");
            using var client = inv.Open();
            var all = await GetForUnitAsync(client, id, "processes", token).ConfigureAwait(false);
            if (inv.Format != OutputFormat.Table && max is null)
            {
                Output.Print(inv, all, []);
                return ExitCodes.Success;
            }
            var sorted = all.EnumerateArray()
                .OrderByDescending(p => Number(p, "cpuPercent")).ThenByDescending(p => Number(p, "rssBytes")).ThenBy(p => Number(p, "pid"))
                .Take(max ?? DefaultTableLimit).ToList();
            if (inv.Format == OutputFormat.Table && !inv.Quiet)
                inv.Note($"{all.GetArrayLength()} processes on {id}; the busiest {sorted.Count}");
            Output.Print(inv, JsonSerializer.SerializeToElement(sorted), [
                Column.Of("PID", "pid"), Column.Of("USER", "user"),
                new Column("CPU", p => ByteSize.Percent(Number(p, "cpuPercent"))), new Column("RSS", p => ByteSize.Format(Number(p, "rssBytes"))),
                Column.Of("THREADS", "threads"), Column.Of("STATE", "state"), Column.Time("STARTED", "startedAt"), Column.Of("COMMAND", "command"),
            ]);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Argument<string> UnitArgument(string description) => new("UNIT") { Description = description };

    /// <summary>GET api/v1/units/{unit}/{rest}; a unit the station does not know is exit 4 with the nearest names.</summary>
    public static async Task<JsonElement> GetForUnitAsync(StationClient client, string unit, string rest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await client.GetAsync($"api/v1/units/{Uri.EscapeDataString(unit)}/{rest}", ct).ConfigureAwait(false);
        }
        catch (CliException ex) when (ex.ExitCode == ExitCodes.NotFound)
        {
            throw new CliException(ExitCodes.NotFound, $"unit '{unit}' not found{Suggest.Hint(unit, await ListCommands.UnitIdsAsync(client, ct).ConfigureAwait(false), "units")}");
        }
    }

    /// <summary>The latest point as NOW, with the average and the peak over the range the station answered.</summary>
    private static void PrintHistory(Invocation inv, JsonElement history)
    {
        var points = history.TryGetProperty("points", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().ToList() : [];
        if (points.Count == 0)
        {
            inv.Note($"no readings of {Output.Text(history, "unit")} in this range yet (a unit reports every 10 s; try again, or --live)");
            return;
        }
        var last = points[^1];
        long total = (long)Number(last, "memTotalBytes");
        string Mem(double used) => $"{ByteSize.Format(used)} of {ByteSize.Format(total)}";
        var rows = new (string Figure, string Property, Func<double, string> Show)[]
        {
            ("cpu", "cpuPercent", ByteSize.Percent), ("memory used", "memUsedBytes", Mem),
            ("network in", "netRxBytesPerSec", ByteSize.Rate), ("network out", "netTxBytesPerSec", ByteSize.Rate),
            ("disk read", "diskReadBytesPerSec", ByteSize.Rate), ("disk write", "diskWriteBytesPerSec", ByteSize.Rate),
        };
        if (inv.Quiet)
        {
            foreach (var row in rows) System.Console.Out.WriteLine($"{row.Property} {Number(last, row.Property).ToString(CultureInfo.InvariantCulture)}");
            return;
        }
        inv.Note($"{Output.Text(history, "unit")}: {points.Count} readings at step {Output.Text(history, "step")}, the last at {Output.Text(last, "t")}");
        var table = new Table { Border = inv.Interactive ? TableBorder.Rounded : TableBorder.None };
        foreach (var header in new[] { "FIGURE", "NOW", "AVERAGE", "PEAK" }) table.AddColumn(new TableColumn(header).NoWrap());
        foreach (var (figure, property, show) in rows)
        {
            var values = points.Select(x => Number(x, property)).ToList();
            table.AddRow(figure, show(values[^1]), show(values.Average()), show(values.Max()));
        }
        inv.Out.Write(table);
    }

    public static double Number(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
}
