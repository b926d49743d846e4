using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Bulk;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>bulk run|preview|children|retry</c>: one task over many units, rolled out in batches with a failure budget.</summary>
public static class BulkCommands
{
    private static readonly Column[] PreviewColumns =
    [
        Column.Of("UNIT", "id"), Column.Of("NAME", "name"), Column.Of("STATUS", "status"),
        new Column("WOULD RUN", u => Output.Text(u, "refusal") is { Length: > 0 } r ? "no: " + r : "yes"),
    ];

    private static readonly Column[] ChildColumns =
    [
        Column.Of("#", "index"), Column.Of("UNIT", "unit"), Column.Of("TASK", "taskId"), Column.Of("STATE", "state"),
        new Column("PROGRESS", c => Output.Percent(c.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0)),
        Column.Of("ERROR", "error"),
    ];

    public static Command Bulk() => new("bulk", "One task over many units: by tag, name pattern, status… with how many at once and when to stop.")
    {
        Run(), Preview(), Children(), Retry(),
    };

    /// <summary>The filters and explicit targets every bulk verb takes.</summary>
    private sealed class Which
    {
        public Option<string?> Tag { get; } = new("--tag") { Description = "units carrying this tag" };
        public Option<string?> Name { get; } = new("--name") { Description = "units whose name matches this pattern (* any run of characters, ? one), e.g. 'web-*'" };
        public Option<string?> Status { get; } = new("--status") { Description = "online, offline or unreachable" };
        public Option<string?> Parent { get; } = new("--parent") { Description = "units directly below this station" };
        public Option<string?> Os { get; } = new("--os") { Description = "units of this OS family, e.g. debian" };
        public Option<string[]> Target { get; } = new("--target", "-t") { Description = "a unit by id (repeat); instead of the filters" };

        public IEnumerable<Option> All => [Tag, Name, Status, Parent, Os, Target];

        /// <summary>The request's <c>targets</c> and <c>selector</c>: exactly one of them, or a usage error in words.</summary>
        public (IReadOnlyList<string>? Targets, BulkSelector? Selector) Read(ParseResult parse)
        {
            var targets = parse.GetValue(Target) ?? [];
            var selector = new BulkSelector(parse.GetValue(Tag), parse.GetValue(Status), parse.GetValue(Parent), parse.GetValue(Os), parse.GetValue(Name));
            bool filtered = new[] { selector.Tag, selector.Status, selector.Parent, selector.Os, selector.Name }.Any(v => !string.IsNullOrWhiteSpace(v));
            if (targets.Length > 0 && filtered) throw new CliException(ExitCodes.Usage, "give either --target (units by id) or filters (--tag, --name, --status, --parent, --os), not both");
            if (targets.Length == 0 && !filtered) throw new CliException(ExitCodes.Usage, "say which units: --tag, --name, --status, --parent, --os, or --target (every unit: --name '*')");
            return targets.Length > 0 ? (targets, null) : (null, selector);
        }
    }

    private static Command Run()
    {
        var kind = KindArgument();
        var which = new Which();
        var param = new Option<string[]>("--param", "-p") { Description = "a parameter, name=value (repeat); checked by the kind's contract before sending" };
        var parallelism = new Option<string?>("--parallelism") { Description = "how many units at once: a number (5) or a percent (10%); 1 when absent" };
        var batchWait = new Option<double?>("--batch-wait") { Description = "seconds to wait before a freed place is filled again" };
        var order = new Option<string?>("--order") { Description = "name, tag or random" };
        var keepGoing = new Option<bool>("--keep-going") { Description = "without a failure limit, go on whatever fails (by default the first failure stops the rollout)" };
        var maxFailures = new Option<int?>("--max-failures") { Description = "stop starting units after this many failures" };
        var maxPercent = new Option<double?>("--max-failure-percent") { Description = "stop starting units after this percent of them failed" };
        var detach = new Option<bool>("--detach", "-d") { Description = "print the bulk task and return at once" };
        var key = new Option<string?>("--idempotency-key") { Description = "resubmitting with the same key returns the same bulk task" };
        var command = new Command("run", "Start KIND on every unit that matches, as one bulk task, and follow it until it ends (exit 0 all succeeded, 1 otherwise).")
        {
            kind, param, parallelism, batchWait, order, keepGoing, maxFailures, maxPercent, detach, key,
        };
        foreach (var o in which.All) command.Options.Add(o);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var contract = TaskParameters.Contract(parse.GetValue(kind)!);
            var parameters = TaskParameters.Build(contract, parse.GetValue(param) ?? [], null);
            var (targets, selector) = which.Read(parse);
            var rollout = new BulkRollout(parse.GetValue(parallelism) is { } p ? BulkParallelism.Parse(p) : null, parse.GetValue(batchWait), parse.GetValue(order),
                parse.GetValue(keepGoing) ? true : null, parse.GetValue(maxFailures), parse.GetValue(maxPercent));
            if (rollout.Parallelism?.Problem() is { } bad) throw new CliException(ExitCodes.Usage, bad.Replace("'rollout.parallelism'", "--parallelism", StringComparison.Ordinal));

            using var client = inv.Open();
            var parent = await client.PostAsync("api/v1/tasks", new { kind = contract.Kind, targets, selector, rollout, parameters }, token, parse.GetValue(key)).ConfigureAwait(false);
            long id = parent.GetProperty("id").GetInt64();
            if (parse.GetValue(detach))
            {
                Output.PrintObject(inv, parent);
                return ExitCodes.Success;
            }
            await System.Console.Error.WriteLineAsync($"ccdsvm: bulk task {id} over {Total(parent)} unit(s); children: ccdsvm bulk children {id}").ConfigureAwait(false);
            var current = new Dictionary<long, JsonElement> { [id] = parent };
            return await TaskCommands.FollowOrDetachAsync(inv, client, [id], current, progress: true, cancelOnInterrupt: false, null, token).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Preview()
    {
        var kind = KindArgument();
        var which = new Which();
        var command = new Command("preview", "Which units a bulk task of KIND would run on, and which would refuse it at once; starts nothing.") { kind };
        foreach (var o in which.All) command.Options.Add(o);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var contract = TaskParameters.Contract(parse.GetValue(kind)!);
            var (targets, selector) = which.Read(parse);
            using var client = inv.Open();
            var preview = await client.PostAsync("api/v1/tasks/preview", new BulkPreviewRequest(contract.Kind, selector, targets), token).ConfigureAwait(false);
            Output.Print(inv, preview.GetProperty("sample"), PreviewColumns);
            int total = preview.GetProperty("total").GetInt32(), shown = preview.GetProperty("sample").GetArrayLength();
            await System.Console.Error.WriteLineAsync($"{total} unit(s) match{(total > shown ? $" ({shown} shown)" : "")}; " +
                $"{preview.GetProperty("mayNotRun").GetInt32()} you may not run {contract.Kind} on, {preview.GetProperty("cannotRun").GetInt32()} cannot run it, " +
                $"{preview.GetProperty("offline").GetInt32()} not online").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Children()
    {
        var id = new Argument<long>("ID") { Description = "the bulk task's number" };
        var state = new Option<string?>("--state") { Description = "only children in this state: pending, running, succeeded, failed, cancelled, interrupted, skipped…" };
        var command = new Command("children", "The units of a bulk task in rollout order, with each one's task, state and error.") { id, state };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            string query = ListCommands.Query(("state", parse.GetValue(state)), ("limit", "1000"));
            var page = await client.GetAsync($"api/v1/tasks/{parse.GetValue(id).ToString(CultureInfo.InvariantCulture)}/children{query}", token).ConfigureAwait(false);
            Output.Print(inv, page.GetProperty("items"), ChildColumns);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Retry()
    {
        var id = new Argument<long>("ID") { Description = "the bulk task whose failed units to run again" };
        var detach = new Option<bool>("--detach", "-d") { Description = "print the new bulk task and return at once" };
        var command = new Command("retry", "Run a bulk task again on the units where it failed, as a new bulk task, and follow it.") { id, detach };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            var parent = await client.PostAsync($"api/v1/tasks/{parse.GetValue(id).ToString(CultureInfo.InvariantCulture)}/retry-failed", null, token).ConfigureAwait(false);
            long newId = parent.GetProperty("id").GetInt64();
            if (parse.GetValue(detach))
            {
                Output.PrintObject(inv, parent);
                return ExitCodes.Success;
            }
            var current = new Dictionary<long, JsonElement> { [newId] = parent };
            return await TaskCommands.FollowOrDetachAsync(inv, client, [newId], current, progress: true, cancelOnInterrupt: false, null, token).ConfigureAwait(false);
        }));
        return command;
    }

    private static Argument<string> KindArgument()
    {
        var kind = new Argument<string>("KIND") { Description = "the task kind, e.g. storage.inventory, fs.checksum, maintenance.hold" };
        kind.CompletionSources.Add(_ => Ccdsvm.Shared.Contracts.Kinds.KindContracts.All.Select(c => c.Kind));
        return kind;
    }

    private static string Total(JsonElement parent) =>
        parent.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("total", out var t) ? Output.Scalar(t) : "?";
}
