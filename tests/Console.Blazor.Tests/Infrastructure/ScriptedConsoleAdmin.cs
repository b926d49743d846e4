using System.Collections.Concurrent;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>
/// An <see cref="IConsoleAdmin"/> for the access cards: the grants live in <see cref="AclList"/>, a grant or revoke
/// changes it as the station would and is recorded, and <see cref="RefuseNext"/> makes the next change fail.
/// </summary>
public sealed class ScriptedConsoleAdmin(TimeProvider clock) : IConsoleAdmin
{
    private readonly ConcurrentQueue<(string Path, string Subject, string Role)> _granted = new();
    private readonly ConcurrentQueue<(string Path, string Subject, string Role)> _revoked = new();
    private long _nextTask = 500;

    public List<AclEntryView> AclList { get; } = [];
    public List<UserDetails> UserList { get; } = [];

    /// <summary>The locks and unlocks asked for, in order.</summary>
    public ConcurrentQueue<(string User, bool Disabled)> LockChanges { get; } = new();
    public bool MayManageUsers { get; set; } = true;
    public bool MayManageAcl { get; set; } = true;
    public bool MayViewAudit { get; set; } = true;
    public bool MayEnrol { get; set; } = true;

    /// <summary>When set, the next change is refused with this error.</summary>
    public StationError? RefuseNext { get; set; }

    public IReadOnlyList<(string Path, string Subject, string Role)> Granted => [.. _granted];
    public IReadOnlyList<(string Path, string Subject, string Role)> Revoked => [.. _revoked];

    public Outcome<IReadOnlyList<UserDetails>> Users() => Rows<UserDetails>([.. UserList]);
    public Outcome<IReadOnlyList<GroupDetails>> Groups() => Rows<GroupDetails>([]);
    public Outcome<IReadOnlyList<AclEntryView>> Acl() => Rows<AclEntryView>([.. AclList]);
    public Outcome<IReadOnlyList<AuditEntry>> Audit(AuditQuery query) => Rows<AuditEntry>([]);

    public Task<Outcome<AdminChange>> CreateUserAsync(string username, string password, IReadOnlyList<string> groups, bool mustChangePassword) => Done("auth.user");
    public Task<Outcome<AdminChange>> DeleteUserAsync(string username) => Done("auth.user");
    public Task<Outcome<AdminChange>> SetDisabledAsync(string username, bool disabled)
    {
        if (Refused() is { } no) return no;
        LockChanges.Enqueue((username, disabled));
        int i = UserList.FindIndex(u => u.Username == username);
        if (i >= 0) UserList[i] = UserList[i] with { Disabled = disabled };
        return Done("auth.user");
    }
    public Task<Outcome<AdminChange>> CreateGroupAsync(string name) => Done("auth.user");

    public Task<Outcome<AdminChange>> GrantAsync(string path, string subject, string role)
    {
        if (Refused() is { } no) return no;
        _granted.Enqueue((path, subject, role));
        AclList.Add(new AclEntryView(path, subject, role, clock.GetUtcNow(), "admin"));
        return Done("auth.grant");
    }

    public Task<Outcome<AdminChange>> RevokeAsync(string path, string subject, string role)
    {
        if (Refused() is { } no) return no;
        _revoked.Enqueue((path, subject, role));
        AclList.RemoveAll(e => e.Path == path && e.Subject == subject && e.Role == role);
        return Done("auth.grant");
    }

    public Outcome<IReadOnlyList<EnrolmentView>> Enrolments() => Rows<EnrolmentView>([]);
    public Task<Outcome<EnrolmentCreated>> CreateEnrolmentAsync(string? note, int? expiresInMinutes) =>
        Task.FromResult<Outcome<EnrolmentCreated>>(new EnrolmentCreated(1, "token", clock.GetUtcNow().AddHours(1), note ?? ""));
    public Task<Outcome<UnitRevoked>> RevokeUnitAsync(string unit) =>
        Task.FromResult<Outcome<UnitRevoked>>(new UnitRevoked(unit, clock.GetUtcNow(), "admin", 1));

    public IDisposable Subscribe(Action handler) => new Notifier<int>().Subscribe(_ => handler());

    private static Outcome<IReadOnlyList<T>> Rows<T>(IReadOnlyList<T> items) => new(items, null);

    private Task<Outcome<AdminChange>>? Refused()
    {
        if (RefuseNext is not { } error) return null;
        RefuseNext = null;
        return Task.FromResult<Outcome<AdminChange>>(error);
    }

    private Task<Outcome<AdminChange>> Done(string kind) =>
        Task.FromResult<Outcome<AdminChange>>(new AdminChange(Views.Task(Interlocked.Increment(ref _nextTask), kind, "station", "succeeded"), null));
}
