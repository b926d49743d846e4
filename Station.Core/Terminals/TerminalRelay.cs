using System.Collections.Concurrent;
using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Terminals;

/// <summary>
/// Carries the bytes of <c>system.terminal</c> sessions between a browser's WebSocket and the unit's agent hub streams
/// (README, "Terminal"). The unit side is checked against the hub connection's unit, the browser side against the
/// task's owner; every few seconds the owner's right is checked again, and a lost right ends the session at the unit.
/// </summary>
public sealed partial class TerminalRelay(TaskEngine engine, AccessControl access, ILogger<TerminalRelay> logger, TimeProvider? time = null, Units.UnitRegistry? units = null)
{
    /// <summary>How often a browser's session checks that its user still holds the terminal privilege.</summary>
    public static readonly TimeSpan RightCheck = TimeSpan.FromSeconds(3);

    /// <summary>A task admitted a moment ago may not be readable yet (its row is committed in a batch): waited for this long.</summary>
    private static readonly TimeSpan ReadableWithin = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<long, TerminalLink> _links = new();

    /// <summary>Sessions with a link open now.</summary>
    public int Open => _links.Count;

    /// <summary>
    /// The agent's input stream for its task: refused unless the task is a terminal on the connection's own unit, or on a
    /// unit below the mid station that connection is (<paramref name="connectionId"/>, whose uplink carries the session
    /// down), still running.
    /// </summary>
    public Outcome<ChannelReader<byte[]>> UnitInput(string unit, long taskId, string? connectionId = null)
    {
        var link = ForUnit(unit, taskId, connectionId);
        return link.Ok ? link.Value!.ToUnit.Reader : link.Error!;
    }

    /// <summary>Passes the agent's output on to the browser until the agent ends its stream; then the link is gone.</summary>
    public async Task UnitOutputAsync(string unit, long taskId, ChannelReader<byte[]> output, CancellationToken ct, string? connectionId = null)
    {
        var found = ForUnit(unit, taskId, connectionId);
        if (!found.Ok) throw new Microsoft.AspNetCore.SignalR.HubException(found.Error!.Message);
        var link = found.Value!;
        try
        {
            await foreach (var chunk in output.ReadAllAsync(ct).ConfigureAwait(false))
                await link.FromUnit.Writer.WriteAsync(chunk, ct).ConfigureAwait(false);
        }
        finally
        {
            link.FromUnit.Writer.TryComplete();
            link.ToUnit.Writer.TryComplete();
            _links.TryRemove(new KeyValuePair<long, TerminalLink>(taskId, link));
            LogUnitEnded(taskId, unit);
        }
    }

    /// <summary>
    /// The browser's side of task <paramref name="taskId"/>: only its owner, only while it has not ended, one browser at
    /// a time. The caller must <see cref="TerminalLink.Detach"/> when done.
    /// </summary>
    public async Task<Outcome<TerminalLink>> AttachAsync(long taskId, Caller caller, CancellationToken ct)
    {
        var exists = engine.Get(taskId, Caller.System);
        var since = _time.GetTimestamp();
        while (!exists.Ok && _time.GetElapsedTime(since) < ReadableWithin)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct).ConfigureAwait(false);
            exists = engine.Get(taskId, Caller.System);
        }
        var view = engine.Get(taskId, caller);
        if (!view.Ok) return view.Error!;
        var task = view.Value!;
        if (task.Kind != TaskKinds.SystemTerminal)
            return StationError.BadRequest($"task {taskId} is a {task.Kind} task, not a terminal; open a terminal with a {TaskKinds.SystemTerminal} task");
        if (task.Owner != caller.Name)
            return StationError.Forbidden($"task {taskId} is a terminal of {task.Owner}; only the user who opened a terminal may type in it");
        if (TaskStateExtensions.TryParseApi(task.State, out var state) && state.IsEnded())
            return StationError.Conflict($"the terminal of task {taskId} has ended ({task.State}{(task.Error is { } e ? ": " + e : "")}); open a new one");
        var link = _links.GetOrAdd(taskId, id => new TerminalLink(id, task.Target, task.Owner));
        if (!link.TryAttach())
            return StationError.Conflict($"the terminal of task {taskId} is open in another window already; close it there first");
        LogAttached(taskId, caller.Name);
        return link;
    }

    /// <summary>True once the task of <paramref name="link"/> has ended (or is gone).</summary>
    public bool Ended(TerminalLink link)
    {
        var view = engine.Get(link.TaskId, Caller.System);
        return !view.Ok || (TaskStateExtensions.TryParseApi(view.Value!.State, out var state) && state.IsEnded());
    }

    /// <summary>True while <paramref name="user"/> still holds the terminal privilege on the unit of <paramref name="link"/>.</summary>
    public bool RightHeld(TerminalLink link, string user) =>
        access.Allows(access.Resolve(user), ResourcePath.Terminal(link.Unit), SystemTerminal.Contract.Privilege);

    private Outcome<TerminalLink> ForUnit(string unit, long taskId, string? connectionId)
    {
        var view = engine.Get(taskId, Caller.System);
        if (!view.Ok || view.Value!.Kind != TaskKinds.SystemTerminal || !Carries(unit, connectionId, view.Value.Target))
            return StationError.NotFound($"task {taskId} is no terminal session of unit '{unit}'");
        if (TaskStateExtensions.TryParseApi(view.Value.State, out var state) && state.IsEnded())
            return StationError.Conflict($"task {taskId} has ended");
        return _links.GetOrAdd(taskId, id => new TerminalLink(id, view.Value.Target, view.Value.Owner));
    }

    /// <summary>Whether the connection of <paramref name="unit"/> carries sessions of <paramref name="target"/>: its own, or, for a mid station, those of units below it.</summary>
    private bool Carries(string unit, string? connectionId, string target) =>
        target == unit || (connectionId is not null && units?.RouteConnectionOf(target) == connectionId);

    [LoggerMessage(1301, LogLevel.Information, "Terminal: task {TaskId} attached by {User}")]
    private partial void LogAttached(long taskId, string user);

    [LoggerMessage(1302, LogLevel.Information, "Terminal: task {TaskId} output from unit '{Unit}' ended")]
    private partial void LogUnitEnded(long taskId, string unit);
}
