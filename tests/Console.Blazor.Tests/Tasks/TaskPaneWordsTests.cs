using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>The task pane in people's words: no slots or thread pools, no "stage 1 of 1", no state said twice, tool messages explained, the holder's reason.</summary>
public sealed class TaskPaneWordsTests : ConsoleTestContext
{
    private IRenderedComponent<TaskPane> RenderPane(TaskView task)
    {
        Tasks.Add(task);
        return Render<TaskPane>(p => p.Add(x => x.TaskId, task.Id));
    }

    [Fact]
    public void Caption_SaysWhoStartedIt_AndKeepsSlotAndThreadBehindDetails()
    {
        var cut = RenderPane(Views.Task(21, TaskKinds.StorageMkfs) with { Slot = 5, DedicatedThread = false, StageCount = 2 });

        Assert.Equal("task #21 · started by alice", cut.Find("[data-testid=pane-caption]").TextContent);
        Assert.Contains("Make a file system", cut.Find(".pane-title").TextContent);
        var head = cut.Find(".pane-head").TextContent;
        Assert.DoesNotContain("slot", head);
        Assert.DoesNotContain("thread pool", cut.Markup);
        Assert.Contains("number 6", cut.Find("[data-testid=pane-runs]").TextContent);
        Assert.Equal("DETAILS", cut.Find("[data-testid=pane-more]").TagName);
    }

    [Fact]
    public async Task SingleStage_ShowsTheStageNameOnly_SeveralStagesShowTheCount()
    {
        var task = Views.Task(22, TaskKinds.MaintenanceHold) with { StageCount = 1 };
        var cut = RenderPane(task);

        await Tasks.PublishAsync(task with { StageIndex = 1, Stage = "holding disks/sdb" });
        cut.WaitForAssertion(() => Assert.Equal("holding disks/sdb", cut.Find("[data-testid=pane-stage]").TextContent), Timeout);
        Assert.DoesNotContain("of 1", cut.Markup);

        await Tasks.PublishAsync(task with { StageCount = 3, StageIndex = 2, Stage = "writing the table" });
        cut.WaitForAssertion(() => Assert.Equal("stage 2 of 3: writing the table", cut.Find("[data-testid=pane-stage]").TextContent), Timeout);
    }

    [Fact]
    public async Task Cancelled_SaysCancelledOnce()
    {
        var task = Views.Task(23);
        var cut = RenderPane(task);

        await Tasks.PublishAsync(task.Ended("cancelled", "cancelled") with { Stage = "cancelled" });

        cut.WaitForAssertion(() => Assert.Equal("cancelled", cut.Find("[data-testid=state-chip]").TextContent), Timeout);
        Assert.Empty(cut.FindAll("[data-testid=pane-stage]"));
        Assert.Empty(cut.FindAll("[data-testid=pane-error]"));

        // Who cancelled it is more than the state: that stays.
        await Tasks.PublishAsync(task.Ended("cancelled", "cancelled by bob") with { Stage = "cancelled" });
        cut.WaitForAssertion(() => Assert.Contains("cancelled by bob", cut.Find("[data-testid=pane-error]").TextContent), Timeout);
    }

    [Fact]
    public async Task SuccessfulPartition_ExplainsTheRereadMessage_BesideItsLogLine()
    {
        var task = Views.Task(24, TaskKinds.StoragePartition);
        var cut = RenderPane(task);

        await Tasks.PublishAsync(task, "sfdisk script: label: gpt", "sfdisk: Re-reading the partition table failed.: Device or resource busy", "Syncing disks.");
        cut.WaitForAssertion(() => Assert.Contains("harmless if the task succeeds", cut.Find("[data-testid=log-note]").TextContent), Timeout);

        await Tasks.PublishAsync(task.Ended("succeeded") with { Result = StoragePartition.Contract.WriteResultElement(
            new StoragePartitionResult("/dev/sdb", "gpt", [new PartitionResult(1, "/dev/sdb1", null, 1048576, 1L << 30, "linux", null)])) });

        cut.WaitForAssertion(() =>
        {
            var note = Assert.Single(cut.FindAll("[data-testid=log-note]"));
            Assert.StartsWith("Harmless here", note.TextContent);
            Assert.Contains("Re-reading the partition table failed", note.ParentElement!.TextContent);
            Assert.Contains("1.07 GB (1 GiB)", cut.Find("[data-testid=pane-result]").TextContent);
        }, Timeout);
        Assert.Null(ToolMessages.Explain("Syncing disks.", true));
    }

    [Fact]
    public void Waiting_ShowsTheHolderByNumberAndOwner_AndTheReasonTheyGave()
    {
        var since = Views.Created;
        var task = Views.Task(25, state: "waitingForLocks") with
        {
            AwaitedLocks = [new AwaitedLockView(25, "/units/u1/disks/sdb", "exclusive", [41],
                "waiting for /units/u1/disks/sdb, held by task 41 (alice, maintenance.hold) since 10:00:00: 'replacing disk'",
                [new LockHolderView(41, "alice", TaskKinds.MaintenanceHold, "replacing disk", false, since)])],
            WaitingFor = "waiting for /units/u1/disks/sdb, held by task 41 (alice, maintenance.hold) since 10:00:00: 'replacing disk'",
        };

        var cut = RenderPane(task);

        var waiting = cut.Find("[data-testid=pane-waiting]").TextContent;
        Assert.Contains("waiting for /units/u1/disks/sdb, held by task #41 of alice", waiting);
        Assert.Equal("replacing disk", cut.Find("[data-testid=pane-waiting-reason]").TextContent);
    }
}
