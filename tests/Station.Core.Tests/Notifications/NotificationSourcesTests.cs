using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>The station's own changes reach the centre: a task the engine ends, a unit that goes offline and comes back.</summary>
[Collection(StoreCollection.Name)]
public sealed class NotificationSourcesTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = EngineHarness.Limit;
    private readonly EngineHarness _h = new();
    private NotificationCentre _centre = null!;
    private NotificationSources _sources = null!;

    public async Task InitializeAsync()
    {
        using (var c = _h.Db.Open())
            foreach (var name in new[] { "alice", "bob" })
                c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at) VALUES (@name, 'x', 0, '2026-06-01T10:00:00Z')", new { name });
        _h.Online("a");
        _centre = new NotificationCentre(_h.Db, _h.Access);
        await _centre.StartAsync(CancellationToken.None).WaitAsync(Limit);
        _sources = new NotificationSources(_centre, _h.Notifier, _h.Units, null, null);
        await _sources.StartAsync(CancellationToken.None).WaitAsync(Limit);
    }

    private IReadOnlyList<NotificationView> Of(Caller caller) => _centre.List(caller).Value!.Items;

    [Fact]
    public async Task TaskTheEngineFails_ReachesItsOwnerOnly_ASucceededOneDoesNotByDefault()
    {
        var failing = await _h.SubmitOk(EngineHarness.Checksum("/srv/data/x"));
        var passing = await _h.SubmitOk(EngineHarness.Checksum("/srv/data/y"));

        await _h.Engine.OnResultAsync("a", new TaskResult(failing.Id, TaskOutcome.Failed, null, "no such file", DateTimeOffset.UtcNow)).WaitAsync(Limit);
        await _h.Engine.OnResultAsync("a", new TaskResult(passing.Id, TaskOutcome.Succeeded, """{"sha256":"ab"}""", null, DateTimeOffset.UtcNow)).WaitAsync(Limit);
        await _centre.IdleAsync().WaitAsync(Limit);

        var n = Assert.Single(Of(EngineHarness.Alice));
        Assert.Equal((NotificationTypes.TaskFailed, failing.Id), (n.Type, n.TaskId));
        Assert.Contains("no such file", n.Message);
        Assert.Empty(Of(EngineHarness.Bob));
    }

    [Fact]
    public async Task UnitGoesOfflineAndComesBack_BothAreAnnounced_ToThoseWhoMaySeeIt()
    {
        _h.Units.Offline("conn-a", DateTimeOffset.UtcNow);
        _h.Online("a");
        await _centre.IdleAsync().WaitAsync(Limit);

        Assert.Equal([NotificationTypes.UnitOnline, NotificationTypes.UnitOffline], Of(EngineHarness.Alice).Select(n => n.Type));
        Assert.Equal(2, Of(EngineHarness.Bob).Count);
        Assert.All(Of(EngineHarness.Bob), n => Assert.Equal("a", n.Unit));
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _sources.StopAsync(CancellationToken.None).WaitAsync(Limit);
            await _centre.StopAsync(CancellationToken.None).WaitAsync(Limit);
            _centre.Dispose();
        }
        finally
        {
            _h.Dispose();
        }
    }
}
