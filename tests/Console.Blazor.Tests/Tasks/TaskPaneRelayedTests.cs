using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>
/// A task at a mid station relayed from the station above (README, "Layered stations"): its pane says which task of which
/// station it came from and for whom; the task at the top says where it runs below once the mid station reports it; a
/// task submitted here says nothing of the kind.
/// </summary>
public sealed class TaskPaneRelayedTests : ConsoleTestContext
{
    private static TaskView View(long id, string owner, RelayedFrom? from, RelayedTo? to = null) =>
        new(id, TaskKinds.FsChecksum, "leaf", owner, 0, TaskStateNames.Running, 0.25, "hashing", 1, 1, null, null, null, null, [], [], null,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, from, to);

    [Fact]
    public void ARelayedTask_SaysItCameFromTaskNOfTheStationAbove_ForItsUser()
    {
        Tasks.Add(View(7, "zed@top", RelayedFrom.Of("zed@top", RelayedFrom.KeyOf("top", 42))));

        var cut = Render<TaskPane>(p => p.Add(x => x.TaskId, 7));

        Assert.Equal("relayed from task 42 of top for zed", cut.Find("[data-testid=pane-relayed-from]").TextContent.Trim());
    }

    [Fact]
    public async Task ATaskAtTheTop_SaysWhereItRunsBelow_OnceTheMidStationReportsIt()
    {
        Tasks.Add(View(9, "alice", null));
        var cut = Render<TaskPane>(p => p.Add(x => x.TaskId, 9));
        Assert.Empty(cut.FindAll("[data-testid=pane-relayed-to]"));

        await Tasks.PublishAsync(View(9, "alice", null, new RelayedTo("mid-1", 17)));

        cut.WaitForAssertion(() => Assert.Equal("relayed to mid-1 as task 17", cut.Find("[data-testid=pane-relayed-to]").TextContent.Trim()), Timeout);
    }

    [Fact]
    public void ALocalTask_SaysNothingOfARelay()
    {
        Tasks.Add(View(8, "alice", RelayedFrom.Of("alice", "upstream-top-42")));

        var cut = Render<TaskPane>(p => p.Add(x => x.TaskId, 8));

        Assert.Empty(cut.FindAll("[data-testid=pane-relayed-from]"));
        Assert.Empty(cut.FindAll("[data-testid=pane-relayed-to]"));
    }
}
