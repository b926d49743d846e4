using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>The notification centre on a real store: who gets what, read and unread, preferences, and live pushes.</summary>
[Collection(StoreCollection.Name)]
public sealed class NotificationCentreTests
{
    [Fact]
    public async Task TaskFailed_ReachesOnlyItsOwner_AsUnread()
    {
        await using var f = new NotificationFixture();

        await f.Post(NotificationFixture.TaskFailed(7));

        var n = Assert.Single(f.Of(NotificationFixture.Alice));
        Assert.Equal((NotificationTypes.TaskFailed, 7L, false), (n.Type, n.TaskId, n.Read));
        Assert.Equal(1, f.Centre.List(NotificationFixture.Alice).Value!.Unread);
        Assert.Empty(f.Of(NotificationFixture.Bob));
        Assert.Empty(f.Of(NotificationFixture.Carol));
    }

    [Fact]
    public async Task UnitOffline_ReachesOnlyUsersWhoMaySeeTheUnit()
    {
        await using var f = new NotificationFixture();

        await f.Post(NotificationFixture.UnitOffline("u2"), NotificationFixture.UnitOffline("u1"));

        Assert.Equal(["u1"], f.Of(NotificationFixture.Alice).Select(n => n.Unit));
        Assert.Equal(["u1", "u2"], f.Of(NotificationFixture.Bob).Select(n => n.Unit).Order());
        Assert.Empty(f.Of(NotificationFixture.Carol));
    }

    [Fact]
    public async Task SameEventHeardTwice_IsStoredOnce_EvenAfterARestartOfTheCentre()
    {
        await using var f = new NotificationFixture();
        await f.Post(NotificationFixture.TaskFailed(7), NotificationFixture.TaskFailed(7));
        var again = new NotificationCentre(f.Store.Db, f.Access);
        again.Handle(NotificationFixture.TaskFailed(7));

        Assert.Single(f.Of(NotificationFixture.Alice));
    }

    [Fact]
    public async Task TaskSucceeded_ComesOnlyWhenTheUserAsksForIt()
    {
        await using var f = new NotificationFixture();
        await f.Post(NotificationFixture.TaskSucceeded(1));
        Assert.Empty(f.Of(NotificationFixture.Alice));
        Assert.False(f.Centre.Preferences(NotificationFixture.Alice).TaskSucceeded);

        var saved = f.Centre.SetPreferences(new NotificationPreferences(TaskSucceeded: true), NotificationFixture.Alice);
        await f.Post(NotificationFixture.TaskSucceeded(2));

        Assert.True(saved.Value!.TaskSucceeded);
        Assert.True(saved.Value.UnitStatus); // left out: kept
        Assert.Equal([2L], f.Of(NotificationFixture.Alice).Select(n => n.TaskId));
    }

    [Fact]
    public async Task UnitStatusTurnedOff_NoUnitNotifications_ButFailuresStillCome()
    {
        await using var f = new NotificationFixture();
        f.Centre.SetPreferences(new NotificationPreferences(UnitStatus: false, TaskSucceeded: false), NotificationFixture.Alice);

        await f.Post(NotificationFixture.UnitOffline("u1"), NotificationFixture.TaskFailed(3));

        Assert.Equal([NotificationTypes.TaskFailed], f.Of(NotificationFixture.Alice).Select(n => n.Type));
    }

    [Fact]
    public async Task MarkRead_OnlyTheUsersOwn_AndReadAllClearsTheCount()
    {
        await using var f = new NotificationFixture();
        await f.Post(NotificationFixture.TaskFailed(1), NotificationFixture.TaskFailed(2), NotificationFixture.UnitOffline("u1"));
        var mine = f.Of(NotificationFixture.Alice);
        Assert.Equal(3, mine.Count);

        var byBob = f.Centre.MarkRead(mine[0].Id, NotificationFixture.Bob);
        Assert.Equal(StationErrorKind.NotFound, byBob.Error?.Kind);
        Assert.True(f.Centre.MarkRead(mine[0].Id, NotificationFixture.Alice).Ok);
        Assert.Equal(2, f.Centre.List(NotificationFixture.Alice, unreadOnly: true).Value!.Items.Count);

        Assert.Equal(2, f.Centre.MarkAllRead(NotificationFixture.Alice));
        Assert.Equal(0, f.Centre.Unread(NotificationFixture.Alice));
        Assert.Equal(1, f.Centre.Unread(NotificationFixture.Bob));
    }

    [Fact]
    public async Task ChildOfABulkTask_IsNotAnnouncedOnItsOwn()
    {
        await using var f = new NotificationFixture();
        using (var c = f.Store.Db.Open())
            c.Execute("""
                INSERT INTO tasks(id, kind, target, owner, parameters, state, created_at, idempotency_key)
                VALUES (41, 'fs.copy', 'u1', 'alice', '{}', 'failed', '2026-06-01T10:00:00Z', @key)
                """, new { key = Shared.Contracts.Bulk.BulkTasks.ChildKey(40, "u1") });

        await f.Post(NotificationFixture.TaskFailed(41), NotificationFixture.TaskFailed(42));

        Assert.Equal([42L], f.Of(NotificationFixture.Alice).Select(n => n.TaskId));
    }

    [Fact]
    public async Task Posted_TellsLiveSubscribersWhoItIsFor()
    {
        await using var f = new NotificationFixture();
        var heard = new List<NotificationPosted>();
        using var _ = f.Centre.Posted.Subscribe(p => { lock (heard) heard.Add(p); });

        await f.Post(NotificationFixture.UnitOffline("u1"));

        lock (heard) Assert.Equal(["alice", "bob"], heard.Select(p => p.User).Order());
    }

    [Fact]
    public async Task List_RefusesALimitOutOfRange()
    {
        await using var f = new NotificationFixture();
        var outcome = f.Centre.List(NotificationFixture.Alice, limit: 0);
        Assert.Equal(StationErrorKind.BadRequest, outcome.Error?.Kind);
        Assert.Contains("'limit' must be between 1 and 500", outcome.Error!.Message);
    }
}
