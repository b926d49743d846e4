using System.Collections.Concurrent;
using System.Text.Json;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Runs <c>auth.enrol</c>: creates one-time enrolment tokens and revokes units, through the task list. The
/// token itself never enters the task's stored result: it waits in memory for the caller that asked for it.
/// </summary>
public sealed class EnrolTaskExecutor(Enrolments enrolments, UnitCredentials credentials) : IStationExecutor
{
    private readonly ConcurrentDictionary<long, string> _issued = new();

    public string Kind => AuthEnrolKind.Name;

    /// <summary>The token a createToken task issued, once.</summary>
    public string? TakeToken(long taskId) => _issued.TryRemove(taskId, out var token) ? token : null;

    public Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken)
    {
        var p = task.Parameters;
        string action = p.GetProperty("action").GetString()!;
        Outcome<string?> outcome;
        if (action == "createToken")
        {
            string? note = p.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            int? minutes = p.TryGetProperty("expiresInMinutes", out var m) && m.ValueKind == JsonValueKind.Number ? (int)m.GetDouble() : null;
            var created = enrolments.Create(task.Owner, new CreateEnrolment(note, minutes));
            if (!created.Ok) return Task.FromResult<Outcome<string?>>(created.Error!);
            _issued[task.Id] = created.Value!.Token;
            outcome = JsonSerializer.Serialize(new { created.Value.Id, created.Value.ExpiresAt, created.Value.Note, token = "(shown once to whoever created it)" }, JsonSerializerOptions.Web);
        }
        else
        {
            var revoked = credentials.Revoke(task.Owner, p.GetProperty("unit").GetString()!);
            if (!revoked.Ok) return Task.FromResult<Outcome<string?>>(revoked.Error!);
            outcome = JsonSerializer.Serialize(revoked.Value, JsonSerializerOptions.Web);
        }
        return Task.FromResult(outcome);
    }
}

/// <summary>The <c>auth.enrol</c> kind: createToken holds /station/enrolments, revoke holds /station/units/{unit}.</summary>
public static class AuthEnrolKind
{
    public const string Name = "auth.enrol";

    public static TaskKindDefinition Definition() => new(Name, "Create an enrolment token or revoke a unit", Security.Privileges.UnitsEnrol, 1, false,
        [
            new ParameterSpec("action", ParameterType.String, true, "createToken or revoke", Allowed: ["createToken", "revoke"], Example: "createToken"),
            new ParameterSpec("note", ParameterType.String, false, "which machine the token is for (createToken)"),
            new ParameterSpec("expiresInMinutes", ParameterType.Number, false, "token lifetime (createToken; default 60, at most 10080)", 1, 10080),
            new ParameterSpec("unit", ParameterType.String, false, "the unit to revoke (revoke)"),
        ],
        (_, p) => p.GetProperty("action").GetString() == "revoke"
            ? [new Locks.LockRequest("/station/units/" + (p.TryGetProperty("unit", out var u) ? u.GetString() : ""), Locks.LockMode.Exclusive)]
            : [new Locks.LockRequest("/station/enrolments", Locks.LockMode.Exclusive)])
    {
        RunsAtStation = true,
        Rules = p => p.GetProperty("action").GetString() == "revoke" && !(p.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String && u.GetString()!.Length > 0)
            ? "revoke needs 'unit'" : null,
    };
}

/// <summary>Enrolment for the REST API and the console: each change runs as an auth.enrol task and is waited for.</summary>
public sealed class UnitEnrolment(TaskEngine engine, EnrolTaskExecutor executor)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public async Task<Outcome<EnrolmentCreated>> CreateTokenAsync(Caller caller, CreateEnrolment request)
    {
        var parameters = new Dictionary<string, object?> { ["action"] = "createToken" };
        if (request.Note is not null) parameters["note"] = request.Note;
        if (request.ExpiresInMinutes is not null) parameters["expiresInMinutes"] = request.ExpiresInMinutes;
        var run = await RunAsync(caller, parameters).ConfigureAwait(false);
        if (!run.Ok) return run.Error!;
        var task = run.Value!;
        var token = executor.TakeToken(task.Id);
        var r = task.Result!.Value;
        if (token is null) return StationError.Conflict("the token was issued but is no longer held; create another");
        return new EnrolmentCreated(r.GetProperty("id").GetInt64(), token, r.GetProperty("expiresAt").GetDateTimeOffset(), r.GetProperty("note").GetString() ?? "");
    }

    public async Task<Outcome<UnitRevoked>> RevokeAsync(Caller caller, string unit)
    {
        var run = await RunAsync(caller, new() { ["action"] = "revoke", ["unit"] = unit }).ConfigureAwait(false);
        if (!run.Ok) return run.Error!;
        return JsonSerializer.Deserialize<UnitRevoked>(run.Value!.Result!.Value.GetRawText(), JsonSerializerOptions.Web)!;
    }

    private async Task<Outcome<TaskView>> RunAsync(Caller caller, Dictionary<string, object?> parameters)
    {
        var json = JsonSerializer.SerializeToElement(parameters, JsonSerializerOptions.Web);
        var run = await engine.RunAndWaitAsync(new SubmitTask(AuthEnrolKind.Name, TaskEngine.StationTarget, json), caller, Wait).ConfigureAwait(false);
        if (!run.Ok) return run;
        var task = run.Value!;
        if (task.State == Shared.Contracts.TaskStateNames.Failed) return TaskFailures.ToStationError(task);
        if (task.State != Shared.Contracts.TaskStateNames.Succeeded) return StationError.Conflict($"task {task.Id} ({AuthEnrolKind.Name}) is still {task.State}; look at it in the task list");
        return task;
    }
}
