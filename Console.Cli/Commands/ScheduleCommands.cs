using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Shared.Contracts.Schedules;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>schedule list|show|add|rm|enable|disable|runs</c>: recurring tasks on a cron expression in a time zone.</summary>
public static class ScheduleCommands
{
    private static readonly Column[] ScheduleColumns =
    [
        Column.Of("ID", "id"), Column.Of("NAME", "name"), Column.Of("CRON", "cron"), Column.Of("ZONE", "timeZone"),
        new Column("KIND", s => s.TryGetProperty("template", out var t) ? Output.Text(t, "kind") : ""),
        Column.Of("OWNER", "owner"), Column.Of("ENABLED", "enabled"), Column.Time("NEXT", "nextRun"),
        new Column("LAST", s => s.TryGetProperty("lastRun", out var r) && r.ValueKind == JsonValueKind.Object ? Output.Text(r, "state") : ""),
    ];

    private static readonly Column[] RunColumns =
    [
        Column.Time("DUE", "dueAt"), Column.Time("AT", "at"), Column.Of("TASK", "taskId"), Column.Of("RUN", "state"), Column.Of("TASK STATE", "taskState"), Column.Of("NOTE", "note"),
    ];

    public static Command Schedule() => new("schedule", "Recurring tasks: a cron expression in a time zone starts a task (or a bulk task) as its owner.")
    {
        List(), Show(), Add(), Remove(), Enable(true), Enable(false), Runs(),
    };

    private static Command List()
    {
        var command = new Command("list", "Schedules you may see, with their next and last run.");
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            Output.Print(inv, await client.GetAsync("api/v1/schedules", token).ConfigureAwait(false), ScheduleColumns);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show()
    {
        var id = Id();
        var command = new Command("show", "One schedule: its template, next run and last run.") { id };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            Output.PrintObject(inv, await client.GetAsync(Path(parse.GetValue(id)), token).ConfigureAwait(false));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "what the schedule is called, e.g. nightly-inventory" };
        var cron = new Option<string>("--cron") { Description = "five fields (minute hour day month weekday) or six (seconds first), e.g. '30 2 * * *'", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "an IANA zone such as Europe/Berlin (UTC when absent)" };
        var kind = new Option<string>("--kind") { Description = "the task kind to start at each run", Required = true };
        kind.CompletionSources.Add(_ => Ccdsvm.Shared.Contracts.Kinds.KindContracts.All.Select(c => c.Kind));
        var param = new Option<string[]>("--param", "-p") { Description = "a parameter, name=value (repeat); checked by the kind's contract before sending" };
        var target = new Option<string[]>("--target", "-t") { Description = "a unit (once: an ordinary task; repeated: a bulk task over them)" };
        var tag = new Option<string?>("--tag") { Description = "a bulk task over the units carrying this tag, chosen again at each run" };
        var unitName = new Option<string?>("--name") { Description = "a bulk task over the units whose name matches this pattern, chosen again at each run" };
        var parallelism = new Option<string?>("--parallelism") { Description = "for a bulk task: how many units at once, a number or a percent" };
        var maxFailures = new Option<int?>("--max-failures") { Description = "for a bulk task: stop after this many failures" };
        var skipMissed = new Option<bool>("--skip-missed") { Description = "skip runs that fell due while the station was down (by default they run once at start)" };
        var disabled = new Option<bool>("--disabled") { Description = "create it disabled" };
        var command = new Command("add", "Create a schedule.") { name, cron, zone, kind, param, target, tag, unitName, parallelism, maxFailures, skipMissed, disabled };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var contract = TaskParameters.Contract(parse.GetValue(kind)!);
            var parameters = TaskParameters.Build(contract, parse.GetValue(param) ?? [], null);
            var targets = parse.GetValue(target) ?? [];
            string? byTag = parse.GetValue(tag), byName = parse.GetValue(unitName);
            bool selected = byTag is not null || byName is not null;
            if (targets.Length > 0 && selected) throw new CliException(ExitCodes.Usage, "give either --target or --tag/--name, not both");
            if (targets.Length == 0 && !selected) throw new CliException(ExitCodes.Usage, "say where it runs: --target UNIT, or --tag / --name for a bulk task");
            bool bulk = selected || targets.Length > 1;
            var rollout = bulk ? new BulkRollout(parse.GetValue(parallelism) is { } p ? BulkParallelism.Parse(p) : null, MaxFailures: parse.GetValue(maxFailures)) : null;
            var template = new ScheduleTemplate(contract.Kind, bulk ? null : targets[0], parameters, bulk && !selected ? targets : null,
                selected ? new BulkSelector(Tag: byTag, Name: byName) : null, rollout);
            var request = new ScheduleRequest(parse.GetValue(name), parse.GetValue(cron), parse.GetValue(zone), template, parse.GetValue(disabled) ? false : null,
                parse.GetValue(skipMissed) ? ScheduleMissedRuns.Skip : null);
            using var client = inv.Open();
            Output.PrintObject(inv, await client.PostAsync("api/v1/schedules", request, token).ConfigureAwait(false));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Remove()
    {
        var id = Id();
        var command = new Command("rm", "Delete a schedule; tasks it started keep running.") { id };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            await client.SendAsync(HttpMethod.Delete, Path(parse.GetValue(id)), null, token).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Enable(bool enable)
    {
        var id = Id();
        var command = new Command(enable ? "enable" : "disable", enable ? "Let a schedule start its runs again." : "Stop a schedule starting runs; it keeps its settings.") { id };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            string path = Path(parse.GetValue(id));
            var current = (await client.GetAsync(path, token).ConfigureAwait(false)).Deserialize<ScheduleView>(CliJson.Options)!;
            var request = new ScheduleRequest(current.Name, current.Cron, current.TimeZone, current.Template, enable, current.MissedRuns);
            Output.PrintObject(inv, await client.SendAsync(HttpMethod.Put, path, request, token).ConfigureAwait(false));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Runs()
    {
        var id = Id();
        var limit = new Option<int?>("--limit") { Description = "at most this many (newest first)" };
        var command = new Command("runs", "A schedule's runs: when each fell due, the task it started or why it was skipped.") { id, limit };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            string query = ListCommands.Query(("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)));
            Output.Print(inv, await client.GetAsync(Path(parse.GetValue(id)) + "/runs" + query, token).ConfigureAwait(false), RunColumns);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Argument<long> Id() => new("ID") { Description = "the schedule's number" };

    private static string Path(long id) => "api/v1/schedules/" + id.ToString(CultureInfo.InvariantCulture);
}
