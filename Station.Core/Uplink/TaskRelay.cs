using System.Text.Json;
using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Uplink;

/// <summary>
/// A task the upper station ordered, as its signed ticket says (the uplink checked the signature against the pinned key):
/// its id there, kind, target, parameters and the user it runs for there.
/// </summary>
public sealed record RelayRequest(long UpperTaskId, string Kind, string Target, string ParametersJson, string User);

/// <summary>How a relayed task ended here: its view (result, error, error kind), or a refusal before it was admitted.</summary>
public sealed record RelayEnd(TaskState State, JsonElement? Result, string? Error, TaskErrorKind? ErrorKind);

/// <summary>
/// A mid station's side of a task routed down from the station above (README, "Layered stations"). The upper user
/// becomes <c>user@label</c> here (a name already qualified further up stays as it is), in the group <c>upstream</c>; this
/// station's ACL decides what they may do, nothing until granted. The task is admitted into this station's own list
/// (its slots, its locks on the real resources, its own ticket to the unit), once: a repeated order (after a restart)
/// finds the same task by its idempotency key. Progress, the wait for locks (naming this station) and the end go back
/// through <paramref name="onUpdate"/>; a cancel from above cancels it here.
/// </summary>
public sealed class TaskRelay(TaskEngine engine, TaskNotifier notifier, AccessControl access, UnitRegistry units, UpstreamOptions options,
    Transfers.UpstreamTransfers? upstreamTransfers = null, TaskConfirmations? confirmations = null,
    Microsoft.Extensions.Options.IOptions<StationOptions>? station = null)
{
    private readonly Transfers.UpstreamTransfers _upstreamTransfers = upstreamTransfers ?? new Transfers.UpstreamTransfers();

    /// <summary>This station's unit name at the upper station: orders for it run on this station's own unit.</summary>
    public string Self { get; } = options.Name?.Trim() ?? "";

    /// <summary>What this station calls the upper one in its users' names.</summary>
    public string Label { get; } = options.EffectiveLabel;

    /// <summary>Whether an order for <paramref name="target"/> can be relayed: this station itself, or a unit it knows.</summary>
    public bool Reaches(string target) => target == Self || (target != TaskEngine.StationTarget && units.View(target) is not null);

    /// <summary>The name an upper user has here.</summary>
    public string SubjectOf(string user) => user.Contains('@', StringComparison.Ordinal) ? user : user + "@" + Label;

    /// <summary>The caller an upper user is here: <c>user@label</c>, in the group <c>upstream</c>.</summary>
    public Caller CallerOf(string user) => Resolve(SubjectOf(user));

    /// <summary>
    /// The words of a refusal or error here, for the station above: naming this station, and a unit the caller may not
    /// even see here as one they have no grant on (it is not "not known"). An answer from a station further down, which
    /// already names itself, is passed on as it is.
    /// </summary>
    public (string Error, TaskErrorKind Kind) Refusal(Caller caller, string target, StationError error)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(error);
        if (error.Kind == StationErrorKind.NotFound && units.View(target) is not null && !access.CanSeeUnit(caller, target))
            return ($"refused at {Self}: {caller.Name} has no rights on {ResourcePath.Unit(target)} there; " +
                $"an administrator of {Self} can grant them to {caller.Name} or to the group @{AccessControl.UpstreamGroup}", TaskErrorKind.Forbidden);
        var kind = TaskFailures.KindOf(error.Kind);
        if (error.Message.StartsWith("refused at ", StringComparison.Ordinal) || error.Message.StartsWith("at ", StringComparison.Ordinal)) return (error.Message, kind);
        return ((kind == TaskErrorKind.Forbidden ? $"refused at {Self}: " : $"at {Self}: ") + error.Message, kind);
    }

    public async Task<RelayEnd> RunAsync(RelayRequest request, Action<TaskUpdate> onUpdate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(onUpdate);
        var caller = Resolve(SubjectOf(request.User));
        string target = request.Target == Self ? TaskEngine.StationTarget : request.Target;
        var updates = Channel.CreateUnbounded<TaskUpdate>(new UnboundedChannelOptions { SingleReader = true });
        long id = 0;
        using var subscription = notifier.Subscribe(u => { if (u.Task.Id == Volatile.Read(ref id)) updates.Writer.TryWrite(u); });
        string key = RelayedFrom.KeyOf(Label, request.UpperTaskId);
        // Seen before (this station or its uplink restarted, the order came again): followed, never admitted twice, even
        // while its unit is not back yet.
        // What the station above added to the order (data.move's transfer) is not the user's to send here: this station
        // issues its own; the ticket from above is kept for reads of a source this station does not know.
        var (parametersJson, aboveTicket, recordAsked) = UserParameters(request.Kind, request.ParametersJson);
        // A terminal the station above records is recorded here too, by this station's own policy, or not opened.
        if (recordAsked && station?.Value.Terminal.Record != true)
            return new RelayEnd(TaskState.Failed, null, $"refused at {Self}: the station above records terminal sessions and this one does not; " +
                "set Station:Terminal:Record=true here to open terminals through it", TaskErrorKind.Forbidden);
        if (engine.ByIdempotencyKey(caller.Name, key) is { } known) Volatile.Write(ref id, known.Id);
        else
        {
            using var parameters = JsonDocument.Parse(parametersJson);
            var submitted = await engine.SubmitAsync(new SubmitTask(request.Kind, target, parameters.RootElement.Clone(), IdempotencyKey: key), caller).ConfigureAwait(false);
            if (!submitted.Ok)
            {
                var error = submitted.Error!;
                // A unit the upper user may not even see here is one they have no grant on: said so, not "not known".
                if (error.Kind == StationErrorKind.NotFound && units.View(target) is not null && !access.CanSeeUnit(caller, target))
                    return new RelayEnd(TaskState.Failed, null, $"refused at {Self}: {caller.Name} has no rights on {ResourcePath.Unit(target)} there; " +
                        $"an administrator of {Self} can grant them to {caller.Name} or to the group @{AccessControl.UpstreamGroup}", TaskErrorKind.Forbidden);
                return new RelayEnd(TaskState.Failed, null, $"refused at {Self}: {error.Message}", TaskFailures.KindOf(error.Kind));
            }
            Volatile.Write(ref id, submitted.Value!.Id);
            if (aboveTicket is not null) _upstreamTransfers.Remember(id, aboveTicket);
            // The link up, in this task's log here.
            engine.Note(id, $"relayed from task {request.UpperTaskId} of the station above ({Label}) for {caller.Name}");
        }
        if (aboveTicket is not null) _upstreamTransfers.Remember(id, aboveTicket);
        try
        {
            return await FollowAsync(id, caller, updates, onUpdate, ct).ConfigureAwait(false);
        }
        finally
        {
            _upstreamTransfers.Forget(id);
        }
    }

    /// <summary>
    /// The station above confirmed its net.configure task <paramref name="upperTaskId"/> (its user pressed Keep): the task
    /// relayed here for it is confirmed here as that user, and so on down to the unit, whose agent keeps the change. The
    /// same checks as a confirmation made here (owner or the right to cancel any task on the unit, waiting now).
    /// </summary>
    public async Task<Outcome<TaskView>> ConfirmAsync(long upperTaskId, string user)
    {
        var caller = Resolve(SubjectOf(user));
        if (engine.ByIdempotencyKey(caller.Name, RelayedFrom.KeyOf(Label, upperTaskId)) is not { } relayed)
            return StationError.NotFound($"at {Self}: no task was relayed here for task {upperTaskId} of the station above");
        if (confirmations is null)
            return StationError.Conflict($"at {Self}: this station does not take confirmations from the station above");
        var confirmed = await confirmations.ConfirmAsync(relayed.Id, caller).ConfigureAwait(false);
        if (confirmed.Ok) return confirmed;
        var (error, _) = Refusal(caller, relayed.Target, confirmed.Error!);
        return new StationError(confirmed.Error!.Kind, error);
    }

    /// <summary>
    /// An order's parameters as a user here may send them: a data.move without the station above's transfer (and that
    /// transfer's ticket), a system.terminal without the station above's <c>record</c> (and whether it asked for it).
    /// </summary>
    private static (string Json, string? Ticket, bool Record) UserParameters(string kind, string json)
    {
        try
        {
            if (kind == TaskKinds.SystemTerminal)
            {
                var t = SystemTerminal.Contract.ReadOrder(json);
                return (SystemTerminal.Contract.WriteJson(t with { Record = null }), null, t.Record == true);
            }
            if (kind != TaskKinds.DataMove) return (json, null, false);
            var p = DataMove.Contract.ReadOrder(json);
            return (DataMove.Contract.WriteJson(p with { Transfer = null }), p.Transfer?.Ticket, false);
        }
        catch (KindContractException) { return (json, null, false); }
    }

    private async Task<RelayEnd> FollowAsync(long id, Caller caller, Channel<TaskUpdate> updates, Action<TaskUpdate> onUpdate, CancellationToken ct)
    {
        // The task as it is now (it may have moved on, or ended, before the subscription knew its id), then its changes.
        if (engine.View(id) is { } now) updates.Writer.TryWrite(new TaskUpdate(now, []));
        bool cancelSent = false;
        while (true)
        {
            TaskUpdate? update = null;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancelSent ? CancellationToken.None : ct))
            {
                // Read again at least every second, so nothing is missed however the notifications went.
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                try { update = await updates.Reader.ReadAsync(wait.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
            if (!cancelSent && ct.IsCancellationRequested)
            {
                // Cancelled from above: cancelled here as its owner would, then followed to its end.
                cancelSent = true;
                await engine.CancelAsync(id, caller).ConfigureAwait(false);
            }
            if (update is null && engine.View(id) is { } view) update = new TaskUpdate(view, []);
            if (update is null) continue;
            onUpdate(Here(update));
            if (TaskStateExtensions.TryParseApi(update.Task.State, out var state) && state.IsEnded())
                return new RelayEnd(state, update.Task.Result, update.Task.Error, update.Task.ErrorKind);
        }
    }

    /// <summary>The update as the station above shows it: a wait for locks says it is at this station.</summary>
    private TaskUpdate Here(TaskUpdate update) =>
        update.Task.State == TaskStateNames.WaitingForLocks
            ? update with { Task = update.Task with { Stage = $"waiting at {Self} for " + (update.Task.WaitingFor is { } w ? Without(w, "waiting for ") : "locks") } }
            : update;

    private static string Without(string text, string prefix) => text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;

    private Caller Resolve(string subject)
    {
        var resolved = access.Resolve(subject);
        var groups = resolved.GroupNames.Contains(AccessControl.UpstreamGroup) ? resolved.GroupNames : [.. resolved.GroupNames, AccessControl.UpstreamGroup];
        bool admin = resolved.IsAdmin || access.RolesOn(new Caller(subject, false, groups), "/").Any(r => r.Name == Roles.Administrator.Name);
        return new Caller(subject, admin, groups);
    }
}
