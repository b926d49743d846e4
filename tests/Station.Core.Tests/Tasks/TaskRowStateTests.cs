using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>
/// A task row holds its state as <see cref="TaskState"/>; the store's column keeps the API spellings it always had,
/// and the API shows exactly those words.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TaskRowStateTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Every_state_is_stored_as_its_api_word_and_read_back_typed()
    {
        using var c = _store.Db.Open();
        c.Execute("INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, created_at) VALUES (1, 'fs.stat', 'a', 'alice', '{}', 0, 'queued', '2026-12-01T09:00:00Z')");
        var row = TaskStore.Get(c, 1)!;
        Assert.Equal(TaskState.Queued, row.State);

        foreach (var state in Enum.GetValues<TaskState>())
        {
            row.State = state;
            TaskStore.Update(c, null, row);

            Assert.Equal(state.ToApi(), c.ExecuteScalar<string>("SELECT state FROM tasks WHERE id = 1"));
            Assert.Equal(state, TaskStore.Get(c, 1)!.State);
            Assert.Single(TaskStore.Query(c, state.ToApi(), null, null, 10));
        }
        Assert.Equal(["queued", "waitingForLocks", "dispatched", "running", "succeeded", "failed", "cancelled", "interrupted"],
            Enum.GetValues<TaskState>().Select(s => s.ToApi()));
    }

    [Fact]
    public void A_state_an_older_station_wrote_in_another_casing_reads_as_the_same_state()
    {
        using var c = _store.Db.Open();
        c.Execute("INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, created_at) VALUES (1, 'fs.stat', 'a', 'alice', '{}', 0, 'WaitingForLocks', '2026-12-01T09:00:00Z')");

        Assert.Equal(TaskState.WaitingForLocks, TaskStore.Get(c, 1)!.State);
        Assert.Equal(TaskState.WaitingForLocks, Assert.Single(TaskStore.Active(c)).State);
    }
}
