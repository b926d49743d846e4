using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>task run|list|show|cancel|wait|watch|logs</c>.</summary>
public static class TaskCommands
{
    private static readonly Column[] TaskColumns =
    [
        Column.Of("ID", "id"), Column.Of("KIND", "kind"), Column.Of("TARGET", "target"), Column.Of("OWNER", "owner"),
        Column.Of("STATE", "state"), new Column("PROGRESS", t => Output.Percent(t.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0)),
        Column.Of("STAGE", "stage"), Column.Time("CREATED", "createdAt"), Column.Of("ERROR", "error"),
    ];

    private static readonly Column[] EndedColumns =
    [
        Column.Of("ID", "id"), Column.Of("KIND", "kind"), Column.Of("TARGET", "target"), Column.Of("STATE", "state"),
        new Column("RESULT", t => Output.Text(t, "error") is { Length: > 0 } e ? e : Output.Text(t, "result")),
    ];

    public static Command Task()
    {
        return new Command("task", "Tasks: run one kind on many units at once, follow, list, cancel.")
        {
            Run(), List(), Show(), Cancel(), Wait("wait", "Wait until the tasks end; the exit code says how they ended.", progress: false),
            Wait("watch", "Follow the given tasks live (progress bars on a terminal) until they end; Ctrl-C detaches. Without ids: a live table of the tasks you may see, like top (one line per change without a terminal); Ctrl-C ends it.", progress: true), Logs(), Kinds(),
        };
    }

    private static Command Run()
    {
        var kind = new Argument<string>("KIND") { Description = "the task kind, e.g. fs.mkdir, fs.list, storage.inventory, data.move" };
        kind.CompletionSources.Add(_ => Ccdsvm.Shared.Contracts.Kinds.KindContracts.All.Select(c => c.Kind));
        var target = new Option<string[]>("--target", "-t") { Description = "a unit to run on (repeat for several: one task each, started at once)", Required = true, AllowMultipleArgumentsPerToken = false };
        var param = new Option<string[]>("--param", "-p") { Description = "a parameter, name=value (repeat); typed and checked by the kind's contract before sending" };
        var file = new Option<string?>("--params-file") { Description = "parameters as one JSON object from a file, or - for standard input; --param values override it" };
        var detach = new Option<bool>("--detach", "-d") { Description = "print the task ids and return at once" };
        var key = new Option<string?>("--idempotency-key") { Description = "resubmitting with the same key returns the same task instead of a second one" };
        var cancelOnInterrupt = new Option<bool>("--cancel-on-interrupt") { Description = "Ctrl-C cancels the tasks (by default it only detaches)" };
        var command = new Command("run", "Start one task of KIND per --target, then follow them until all end (exit 0 all succeeded, 1 one failed).")
        {
            kind, target, param, file, detach, key, cancelOnInterrupt,
        };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            // Everything the contract can check is checked before the first request.
            var contract = TaskParameters.Contract(parse.GetValue(kind)!);
            string? fileName = parse.GetValue(file);
            string? fileJson = fileName switch
            {
                null => null,
                "-" => await System.Console.In.ReadToEndAsync(token).ConfigureAwait(false),
                _ when File.Exists(fileName) => await File.ReadAllTextAsync(fileName, token).ConfigureAwait(false),
                _ => throw new CliException(ExitCodes.Usage, $"--params-file: '{fileName}' does not exist"),
            };
            var parameters = TaskParameters.Build(contract, parse.GetValue(param) ?? [], fileJson);
            var targets = (parse.GetValue(target) ?? []).ToList();

            using var client = inv.Open();
            return await SubmitAndFollowAsync(inv, client, contract.Kind, targets, _ => parameters,
                new RunSettings(parse.GetValue(detach), parse.GetValue(key), parse.GetValue(cancelOnInterrupt)), token).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>How a run behaves once its tasks are submitted.</summary>
    public sealed record RunSettings(bool Detach, string? IdempotencyKey, bool CancelOnInterrupt);

    /// <summary>
    /// Checks the targets exist, submits one task per target at once, then (unless detached) follows them all and prints
    /// how they ended. The exit code: a refusal's code when one was refused, else 0 all succeeded, 1 one did not.
    /// </summary>
    public static Task<int> SubmitAndFollowAsync(Invocation inv, StationClient client, string kind, IReadOnlyList<string> targets,
        Func<string, JsonElement> parametersFor, RunSettings settings, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(parametersFor);
        return SubmitAndFollowAsync(inv, client, kind, [.. targets.Select(t => (t, parametersFor(t)))], settings, null, token);
    }

    /// <summary>
    /// As above, for orders that may name one unit several times (one task per order, all started at once);
    /// <paramref name="columns"/> replaces the table of ended tasks (json and yaml stay the REST task JSON).
    /// </summary>
    public static async Task<int> SubmitAndFollowAsync(Invocation inv, StationClient client, string kind, IReadOnlyList<(string Target, JsonElement Parameters)> orders,
        RunSettings settings, IReadOnlyList<Column>? columns, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(inv);
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(settings);
        var known = await ListCommands.UnitIdsAsync(client, token).ConfigureAwait(false);
        foreach (var t in orders.Select(o => o.Target).Distinct().Where(t => !known.Contains(t)))
            throw new CliException(ExitCodes.NotFound, $"unit '{t}' not found{Suggest.Hint(t, known, "units")}");

        string? idempotency = settings.IdempotencyKey;
        var submissions = await System.Threading.Tasks.Task.WhenAll(orders.Select((o, i) => SubmitAsync(client, kind, o.Target, o.Parameters,
            idempotency is null ? null : orders.Count == 1 ? idempotency : $"{idempotency}:{i}:{o.Target}", token))).ConfigureAwait(false);
        var accepted = submissions.Where(s => s.Task is not null).Select(s => s.Task!.Value).ToList();
        var refusals = submissions.Where(s => s.Error is not null).Select(s => s.Error!).ToList();
        foreach (var r in refusals) await System.Console.Error.WriteLineAsync("ccdsvm: " + r.Message).ConfigureAwait(false);
        int refused = refusals.Count > 0 ? refusals[0].ExitCode : ExitCodes.Success;
        var ids = accepted.Select(t => t.GetProperty("id").GetInt64()).ToList();
        if (settings.Detach || ids.Count == 0)
        {
            if (ids.Count > 0) Output.Print(inv, JsonSerializer.SerializeToElement(accepted), TaskColumns);
            return refused;
        }
        var current = accepted.ToDictionary(t => t.GetProperty("id").GetInt64());
        int ended = await FollowOrDetachAsync(inv, client, ids, current, progress: true, settings.CancelOnInterrupt, columns, token).ConfigureAwait(false);
        return refused != ExitCodes.Success ? refused : ended;
    }

    private static async Task<(JsonElement? Task, CliException? Error)> SubmitAsync(StationClient client, string kind, string target, JsonElement parameters, string? key, CancellationToken ct)
    {
        try
        {
            return (await client.PostAsync("api/v1/tasks", new { kind, target, parameters }, ct, key).ConfigureAwait(false), null);
        }
        catch (CliException ex) when (ex.ExitCode is not ExitCodes.Unreachable)
        {
            return (null, new CliException(ex.ExitCode, $"{kind} on {target} refused: {ex.Message}"));
        }
    }

    /// <summary>Follows until every task ended and prints them; Ctrl-C detaches (or cancels with --cancel-on-interrupt).</summary>
    internal static async Task<int> FollowOrDetachAsync(Invocation inv, StationClient client, IReadOnlyList<long> ids, Dictionary<long, JsonElement> current,
        bool progress, bool cancelOnInterrupt, IReadOnlyList<Column>? columns, CancellationToken ct)
    {
        IReadOnlyList<JsonElement> ended;
        try
        {
            ended = await new TaskFollower(inv, client).FollowAsync(ids, current, progress, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var open = ids.Where(id => !current.TryGetValue(id, out var t) || !TaskFollower.IsEnded(t)).ToList();
            string list = string.Join(' ', open.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            if (cancelOnInterrupt && open.Count > 0)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(8));
                foreach (var id in open)
                {
                    try { await client.PostAsync($"api/v1/tasks/{id}/cancel", null, grace.Token).ConfigureAwait(false); }
                    catch (CliException ex) { await System.Console.Error.WriteLineAsync($"ccdsvm: cancelling task {id}: {ex.Message}").ConfigureAwait(false); }
                }
                await System.Console.Error.WriteLineAsync($"ccdsvm: interrupted; cancelled task(s) {list}").ConfigureAwait(false);
            }
            else if (open.Count > 0)
                await System.Console.Error.WriteLineAsync($"ccdsvm: detached; the task(s) keep running. Re-attach with: ccdsvm task watch {list}").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        Output.Print(inv, JsonSerializer.SerializeToElement(ended), columns ?? EndedColumns);
        return TaskFollower.ExitCodeOf(ended);
    }

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = "queued, waitingForLocks, dispatched, running, succeeded, failed, cancelled, interrupted" };
        var owner = new Option<string?>("--owner") { Description = "only tasks of this user" };
        var target = new Option<string?>("--target") { Description = "only tasks on this unit" };
        var kind = new Option<string?>("--kind") { Description = "only tasks of this kind" };
        var text = new Option<string?>("--text") { Description = "only tasks whose kind, unit, owner, stage, error or parameters contain this" };
        var limit = new Option<int?>("--limit") { Description = "at most this many (newest first; default 200)" };
        var command = new Command("list", "Tasks you may see, newest first.") { state, owner, target, kind, text, limit };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            string query = ListCommands.Query(("state", parse.GetValue(state)), ("owner", parse.GetValue(owner)), ("target", parse.GetValue(target)),
                ("kind", parse.GetValue(kind)), ("q", parse.GetValue(text)), ("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)));
            Output.Print(inv, await client.GetAsync("api/v1/tasks" + query, token).ConfigureAwait(false), TaskColumns);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Argument<long[]> Ids(string description) => new("ID") { Description = description, Arity = ArgumentArity.OneOrMore };

    private static Command Show()
    {
        var id = new Argument<long>("ID") { Description = "the task's number" };
        var command = new Command("show", "One task: state, progress, stage, locks, result or error.") { id };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            Output.PrintObject(inv, await GetTaskAsync(client, parse.GetValue(id), token).ConfigureAwait(false));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<JsonElement> GetTaskAsync(StationClient client, long id, CancellationToken ct)
    {
        try
        {
            return await client.GetAsync("api/v1/tasks/" + id.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        }
        catch (CliException ex) when (ex.ExitCode == ExitCodes.NotFound)
        {
            throw new CliException(ExitCodes.NotFound, $"task {id} not found (or not yours to see): 'ccdsvm task list' shows the tasks you may see");
        }
    }

    private static Command Cancel()
    {
        var ids = Ids("the tasks to cancel");
        var command = new Command("cancel", "Cancel tasks (queued, waiting for locks or running).") { ids };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            var views = new List<JsonElement>();
            foreach (var id in parse.GetValue(ids)!)
            {
                await GetTaskAsync(client, id, token).ConfigureAwait(false);
                views.Add(await client.PostAsync($"api/v1/tasks/{id}/cancel", null, token).ConfigureAwait(false));
            }
            Output.Print(inv, JsonSerializer.SerializeToElement(views), TaskColumns);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Wait(string name, string description, bool progress)
    {
        var ids = Ids(progress ? "the tasks to follow (none: watch every task you may see)" : "the tasks to follow");
        if (progress) ids.Arity = ArgumentArity.ZeroOrMore;
        var cancelOnInterrupt = new Option<bool>("--cancel-on-interrupt") { Description = "Ctrl-C cancels the tasks (by default it only detaches)" };
        var mine = new Option<bool>("--mine") { Description = "without ids: only your own tasks" };
        var all = new Option<bool>("--all") { Description = "without ids: every task you may see (the default)" };
        var command = new Command(name, description) { ids, cancelOnInterrupt };
        if (progress)
        {
            command.Options.Add(mine);
            command.Options.Add(all);
        }
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var list = (parse.GetValue(ids) ?? []).Distinct().ToList();
            if (progress && (parse.GetValue(mine) || parse.GetValue(all)) && list.Count > 0)
                throw new CliException(ExitCodes.Usage, "--mine and --all watch every task: give them without task ids");
            if (progress && parse.GetValue(mine) && parse.GetValue(all)) throw new CliException(ExitCodes.Usage, "give --mine or --all, not both");
            using var client = inv.Open();
            if (list.Count == 0) return await new TaskWatch(inv, client).RunAsync(parse.GetValue(mine), token).ConfigureAwait(false);
            var current = new Dictionary<long, JsonElement>();
            foreach (var id in list) current[id] = await GetTaskAsync(client, id, token).ConfigureAwait(false);
            return await FollowOrDetachAsync(inv, client, list, current, progress, parse.GetValue(cancelOnInterrupt), null, token).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>The kinds and their parameters, from the contracts this CLI was built with: no station needed.</summary>
    private static Command Kinds()
    {
        var kind = new Argument<string?>("KIND") { Description = "one kind to describe with its parameters", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("kinds", "The task kinds and their parameters (what --param takes), read from the kind contracts.") { kind };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, _) =>
        {
            if (parse.GetValue(kind) is not { } name)
            {
                var all = Ccdsvm.Shared.Contracts.Kinds.KindContracts.All.Select(c => new { kind = c.Kind, title = c.Title, destructive = c.Destructive, privilege = c.Privilege });
                Output.Print(inv, JsonSerializer.SerializeToElement(all, CliJson.Options),
                    [Column.Of("KIND", "kind"), Column.Of("TITLE", "title"), Column.Of("DESTRUCTIVE", "destructive")]);
                return System.Threading.Tasks.Task.FromResult(ExitCodes.Success);
            }
            var contract = TaskParameters.Contract(name);
            var parameters = contract.Parameters.Select(p => new
            {
                name = p.Name,
                type = JsonNamingPolicy.CamelCase.ConvertName(p.Type.ToString()),
                required = p.Required,
                description = p.Description + (p.Allowed is { Count: > 0 } allowed ? $" ({string.Join(", ", allowed)})" : ""),
                example = p.Example,
            });
            if (!inv.Quiet && inv.Format == OutputFormat.Table) inv.Out.WriteLine($"{contract.Kind}: {contract.Title}{(contract.Destructive ? " (destructive)" : "")}");
            Output.Print(inv, JsonSerializer.SerializeToElement(parameters, CliJson.Options),
                [Column.Of("PARAMETER", "name"), Column.Of("TYPE", "type"), Column.Of("REQUIRED", "required"), Column.Of("DESCRIPTION", "description")]);
            return System.Threading.Tasks.Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    private static Command Logs()
    {
        var id = new Argument<long>("ID") { Description = "the task's number" };
        var command = new Command("logs", "A task's event log: state changes, stages, progress and messages.") { id };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            long task = parse.GetValue(id);
            await GetTaskAsync(client, task, token).ConfigureAwait(false);
            Output.Print(inv, await client.GetAsync($"api/v1/tasks/{task}/events", token).ConfigureAwait(false),
                [Column.Time("AT", "at"), Column.Of("TYPE", "type"), Column.Of("STATE", "state"), Column.Of("STAGE", "stage"), Column.Of("MESSAGE", "message")]);
            return ExitCodes.Success;
        }));
        return command;
    }
}
