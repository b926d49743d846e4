using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Notifications;
using Ccdsvm.Station.Core.Security;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>
/// A notification centre on a real SQLite file with three users: alice may see unit u1 only, bob every unit, carol none.
/// Events are posted as the sources post them and <see cref="Settled"/> waits (bounded) until the centre has handled them.
/// </summary>
internal sealed class NotificationFixture : IAsyncDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    public NotificationFixture()
    {
        Store = new TempStore();
        using (var c = Store.Db.Open())
        {
            foreach (var name in new[] { "alice", "bob", "carol" })
                c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at) VALUES (@name, 'x', 0, @at)", new { name, at = Now.ToString("O") });
            AccessControl.Grant(c, null, "/units/u1", "alice", Roles.Operator.Name, "test", Now);
            AccessControl.Grant(c, null, "/units", "bob", Roles.Operator.Name, "test", Now);
        }
        Access = new AccessControl(Store.Db, new AuditLog(Store.Db));
        Centre = new NotificationCentre(Store.Db, Access);
        Centre.StartAsync(CancellationToken.None).WaitAsync(Limit).GetAwaiter().GetResult();
    }

    public TempStore Store { get; }
    public AccessControl Access { get; }
    public NotificationCentre Centre { get; }

    public static Caller Alice { get; } = new("alice", false);
    public static Caller Bob { get; } = new("bob", false);
    public static Caller Carol { get; } = new("carol", false);

    public async Task Post(params NotificationEvent[] events)
    {
        foreach (var e in events) Assert.True(Centre.Post(e));
        await Centre.IdleAsync().WaitAsync(Limit);
    }

    public IReadOnlyList<NotificationView> Of(Caller caller) => Centre.List(caller).Value!.Items;

    public static NotificationEvent TaskFailed(long id, string owner = "alice", string unit = "u1") =>
        new(NotificationTypes.TaskFailed, NotificationSeverities.Error, $"Task {id} failed", "disk full", Now, $"task:{id}:failed", owner, id, "fs.copy", unit, ["rack-1"]);

    public static NotificationEvent TaskSucceeded(long id, string owner = "alice") =>
        new(NotificationTypes.TaskSucceeded, NotificationSeverities.Info, $"Task {id} succeeded", "succeeded", Now, $"task:{id}:succeeded", owner, id, "fs.copy", "u1");

    public static NotificationEvent UnitOffline(string unit, string? tag = null) =>
        new(NotificationTypes.UnitOffline, NotificationSeverities.Warning, $"{unit} went offline", "offline", Now, $"unit:{unit}:offline:1", Unit: unit,
            UnitTags: tag is null ? [] : [tag]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Centre.StopAsync(CancellationToken.None).WaitAsync(Limit);
            Centre.Dispose();
        }
        finally
        {
            Store.Dispose();
        }
    }
}
