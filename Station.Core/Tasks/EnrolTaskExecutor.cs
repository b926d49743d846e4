using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Runs <c>auth.enrol</c>: creates one-time enrolment tokens and revokes units, through the task list. The
/// token itself never enters the task's stored result: it waits in memory for the caller that asked for it.
/// </summary>
public sealed class EnrolTaskExecutor(Enrolments enrolments, UnitCredentials credentials) : IStationExecutor
{
    private readonly ConcurrentDictionary<long, string> _issued = new();

    public string Kind => TaskKinds.AuthEnrol;

    /// <summary>The token a createToken task issued, once.</summary>
    public string? TakeToken(long taskId) => _issued.TryRemove(taskId, out var token) ? token : null;

    public Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken)
    {
        var p = AuthEnrol.Contract.ReadValidated(task.Parameters);
        AuthEnrolResult result;
        if (p.Action == AuthEnrolAction.CreateToken)
        {
            var created = enrolments.Create(task.Owner, new CreateEnrolment(p.Note, p.ExpiresInMinutes, p.Count));
            if (!created.Ok) return Task.FromResult<Outcome<string?>>(created.Error!);
            _issued[task.Id] = created.Value!.Token;
            result = new AuthEnrolResult(p.Action, created.Value.Id, created.Value.ExpiresAt, created.Value.Note, AuthEnrol.TokenWithheld, Count: created.Value.Count);
        }
        else if (p.Action == AuthEnrolAction.RevokeToken)
        {
            var revoked = enrolments.Revoke(task.Owner, p.Token!.Value);
            if (!revoked.Ok) return Task.FromResult<Outcome<string?>>(revoked.Error!);
            var r = revoked.Value!;
            result = new AuthEnrolResult(p.Action, r.Id, r.ExpiresAt, r.Note, RevokedAt: r.RevokedAt, RevokedBy: r.RevokedBy, Count: r.Count, Uses: r.Uses);
        }
        else
        {
            var revoked = credentials.Revoke(task.Owner, p.Unit!);
            if (!revoked.Ok) return Task.FromResult<Outcome<string?>>(revoked.Error!);
            var r = revoked.Value!;
            result = new AuthEnrolResult(p.Action, Unit: r.Unit, RevokedAt: r.RevokedAt, RevokedBy: r.RevokedBy, ConnectionsClosed: r.ConnectionsClosed);
        }
        return Task.FromResult<Outcome<string?>>(AuthEnrol.Contract.WriteResult(result));
    }
}

/// <summary>Enrolment for the REST API and the console: each change runs as an auth.enrol task and is waited for.</summary>
public sealed class UnitEnrolment(TaskEngine engine, EnrolTaskExecutor executor)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public async Task<Outcome<EnrolmentCreated>> CreateTokenAsync(Caller caller, CreateEnrolment request)
    {
        var run = await RunAsync(caller, new AuthEnrolParameters(AuthEnrolAction.CreateToken, request.Note, request.ExpiresInMinutes, Count: request.Count)).ConfigureAwait(false);
        if (!run.Ok) return run.Error!;
        var (task, r) = run.Value;
        var token = executor.TakeToken(task.Id);
        if (token is null) return StationError.Conflict("the token was issued but is no longer held; create another");
        return new EnrolmentCreated(r.Id!.Value, token, r.ExpiresAt!.Value, r.Note ?? "", r.Count ?? 1);
    }

    public async Task<Outcome<EnrolmentRevoked>> RevokeTokenAsync(Caller caller, long id)
    {
        var run = await RunAsync(caller, new AuthEnrolParameters(AuthEnrolAction.RevokeToken, Token: id)).ConfigureAwait(false);
        if (!run.Ok) return run.Error!;
        var r = run.Value.Result;
        return new EnrolmentRevoked(id, r.Note ?? "", r.RevokedAt!.Value, r.RevokedBy!, r.Count ?? 1, r.Uses ?? 0);
    }

    public async Task<Outcome<UnitRevoked>> RevokeAsync(Caller caller, string unit)
    {
        var run = await RunAsync(caller, new AuthEnrolParameters(AuthEnrolAction.Revoke, Unit: unit)).ConfigureAwait(false);
        if (!run.Ok) return run.Error!;
        var r = run.Value.Result;
        return new UnitRevoked(r.Unit!, r.RevokedAt!.Value, r.RevokedBy!, r.ConnectionsClosed ?? 0);
    }

    private async Task<Outcome<(TaskView Task, AuthEnrolResult Result)>> RunAsync(Caller caller, AuthEnrolParameters parameters)
    {
        var submit = new SubmitTask(TaskKinds.AuthEnrol, TaskEngine.StationTarget, AuthEnrol.Contract.Write(parameters));
        var run = await engine.RunAndWaitAsync(submit, caller, Wait).ConfigureAwait(false);
        if (!run.Ok) return run.Error!;
        var task = run.Value!;
        if (task.State == TaskStateNames.Failed) return TaskFailures.ToStationError(task);
        if (task.State != TaskStateNames.Succeeded) return StationError.Conflict($"task {task.Id} ({TaskKinds.AuthEnrol}) is still {task.State}; look at it in the task list");
        return (task, AuthEnrol.Contract.ReadResult(task.Result ?? default)!);
    }
}
