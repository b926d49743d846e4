using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

public sealed class TaskPaneTests : ConsoleTestContext
{
    private IRenderedComponent<TaskPane> RenderPane(TaskView task)
    {
        Tasks.Add(task);
        return Render<TaskPane>(p => p.Add(x => x.TaskId, task.Id));
    }

    [Fact]
    public async Task Progress_WhenUpdated_ShowsPercentAndAriaValue()
    {
        var task = Views.Task(1, progress: 0.1);
        var cut = RenderPane(task);
        Assert.Equal("10%", cut.Find("[data-testid=pane-percent]").TextContent);

        await Tasks.PublishAsync(task with { Progress = 0.42 });

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("42%", cut.Find("[data-testid=pane-percent]").TextContent);
            Assert.Equal("42", cut.Find("[aria-valuenow]").GetAttribute("aria-valuenow"));
        }, Timeout);
    }

    [Fact]
    public async Task Stage_OfMultiStageTask_ShowsStageNumberAndText()
    {
        var task = Views.Task(2, kind: "data.move") with { StageCount = 2 };
        var cut = RenderPane(task);

        await Tasks.PublishAsync(task with { StageIndex = 1, Stage = "reading and hashing the source" });

        cut.WaitForAssertion(() =>
            Assert.Equal("stage 1 of 2: reading and hashing the source", cut.Find("[data-testid=pane-stage]").TextContent), Timeout);
    }

    [Fact]
    public async Task Stage_OfSingleStageTask_ShowsOnlyStageText()
    {
        var task = Views.Task(3);
        var cut = RenderPane(task);

        await Tasks.PublishAsync(task with { StageIndex = 1, Stage = "hashing" });

        cut.WaitForAssertion(() => Assert.Equal("hashing", cut.Find("[data-testid=pane-stage]").TextContent), Timeout);
    }

    [Fact]
    public async Task Log_FromStreamOfUpdates_AppendsLinesInOrder()
    {
        var task = Views.Task(4);
        Tasks.EventList.Add(new TaskEventView(1, 4, Views.Created, "log", null, null, null, "opened /srv/data/a.bin"));
        var cut = RenderPane(task);

        await Tasks.PublishAsync(task with { Progress = 0.3 }, "read 30%");
        await Tasks.PublishAsync(task with { Progress = 0.6 }, "read 60%", "read 90%");
        await Tasks.PublishAsync(task.Ended("succeeded"), "done");

        cut.WaitForAssertion(() => Assert.Equal(
            "opened /srv/data/a.bin\nread 30%\nread 60%\nread 90%\ndone",
            cut.Find("[data-testid=pane-log]").TextContent), Timeout);
    }

    [Fact]
    public async Task FailedTask_ShowsErrorAlertWithToolMessage()
    {
        var task = Views.Task(5);
        var cut = RenderPane(task);
        Assert.Empty(cut.FindAll("[data-testid=pane-error]"));

        await Tasks.PublishAsync(task.Ended("failed", "sha256sum: /srv/data/x: No such file or directory"));

        cut.WaitForAssertion(() =>
        {
            var alert = cut.Find("[data-testid=pane-error]");
            Assert.Contains("No such file or directory", alert.TextContent);
            Assert.Contains("mud-alert-text-error", alert.ClassName);
            Assert.Equal("failed", cut.Find("[data-testid=state-chip]").TextContent);
        }, Timeout);
    }

    [Fact]
    public async Task FailedTask_LabelsWhyItFailed_BesideTheUnchangedMessage()
    {
        var task = Views.Task(15, kind: "fs.stat");
        var cut = RenderPane(task);

        await Tasks.PublishAsync(task.Ended("failed", "'/srv/data/x' does not exist") with { ErrorKind = Ccdsvm.Shared.Contracts.TaskErrorKind.NotFound });

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("not found", cut.Find("[data-testid=task-error-kind]").TextContent);
            Assert.Contains("'/srv/data/x' does not exist", cut.Find("[data-testid=pane-error]").TextContent);
        }, Timeout);

        // A plain failure says nothing more than its state chip already does.
        await Tasks.PublishAsync(task.Ended("failed", "sha256sum failed") with { ErrorKind = Ccdsvm.Shared.Contracts.TaskErrorKind.Failed });
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("sha256sum failed", cut.Find("[data-testid=pane-error]").TextContent);
            Assert.Empty(cut.FindAll("[data-testid=task-error-kind]"));
        }, Timeout);
    }

    [Fact]
    public void WaitingTask_ShowsWhatItWaitsFor()
    {
        var task = Views.Task(6, state: "waitingForLocks") with
        {
            WaitingFor = "waits for /units/unit-a/disks/sdb, held by task 12 of bob (maintenance.hold) since 10:00:00",
        };

        var cut = RenderPane(task);

        Assert.Contains("held by task 12 of bob", cut.Find("[data-testid=pane-waiting]").TextContent);
        Assert.Equal("waiting for locks", cut.Find("[data-testid=state-chip]").TextContent);
    }

    [Fact]
    public async Task ChecksumResult_ShowsSha256AndSize()
    {
        var task = Views.Task(7);
        var cut = RenderPane(task);
        const string sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

        await Tasks.PublishAsync(task.Ended("succeeded") with { Result = Views.Json($$"""{"sha256":"{{sha}}","bytes":1048576}""") });

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(sha, cut.Find("[data-testid=pane-sha256]").TextContent);
            Assert.Contains("1.05 MB (1 MiB)", cut.Find("[data-testid=pane-result]").TextContent);
        }, Timeout);
    }

    [Fact]
    public void CancelButton_AsksFirst_ThenCancelsThisTaskAndDisappears()
    {
        Tasks.Add(Views.Task(99));
        var cut = RenderPane(Views.Task(8));

        cut.Find("[data-testid=pane-cancel]").Click();
        Assert.Empty(Tasks.Cancelled);
        Assert.Contains("Cancel task 8 (fs.checksum on unit-a)?", cut.Find("[data-testid=confirm-text]").TextContent);
        cut.Find("[data-testid=confirm-no]").Click();
        Assert.Empty(cut.FindAll("[data-testid=confirm-bar]"));
        Assert.Empty(Tasks.Cancelled);

        cut.Find("[data-testid=pane-cancel]").Click();
        cut.Find("[data-testid=confirm-yes]").Click();

        Assert.Equal([8L], Tasks.Cancelled);
        Assert.Equal("running", Tasks.Get(99)!.State);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=pane-cancel]")), Timeout);
    }

    [Fact]
    public void CancelButton_WhenStationRefuses_ShowsSnackbarAndStays()
    {
        Tasks.OnCancel = _ => StationError.Forbidden("you may not cancel task 9 of bob");
        var cut = RenderPane(Views.Task(9, owner: "bob"));

        cut.Find("[data-testid=pane-cancel]").Click();
        cut.Find("[data-testid=confirm-yes]").Click();

        var snackbar = Services.GetRequiredService<ISnackbar>();
        Assert.Contains(snackbar.ShownSnackbars, s => s.Message == "you may not cancel task 9 of bob");
        Assert.Single(cut.FindAll("[data-testid=pane-cancel]"));
    }

    [Fact]
    public async Task CancelButton_WhenTaskEnds_Disappears()
    {
        var task = Views.Task(10);
        var cut = RenderPane(task);
        Assert.Single(cut.FindAll("[data-testid=pane-cancel]"));

        await Tasks.PublishAsync(task.Ended("succeeded"));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=pane-cancel]")), Timeout);
    }

    [Fact]
    public async Task UpdatesOfOtherTasks_AreIgnored()
    {
        var task = Views.Task(11, progress: 0.2);
        var cut = RenderPane(task);

        await Tasks.PublishAsync(Views.Task(12, progress: 0.9).Ended("failed", "not ours"), "not our log");
        // A later update of our own task proves the foreign one has been delivered and skipped.
        await Tasks.PublishAsync(task with { Progress = 0.25 }, "ours");

        cut.WaitForAssertion(() => Assert.Equal("25%", cut.Find("[data-testid=pane-percent]").TextContent), Timeout);
        Assert.Equal("ours", cut.Find("[data-testid=pane-log]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=pane-error]"));
    }

    [Fact]
    public async Task Dispose_Unsubscribes()
    {
        RenderPane(Views.Task(13));
        Assert.Equal(1, Tasks.Notifier.SubscriberCount);

        await DisposeComponentsAsync().WaitAsync(Timeout);

        Assert.Equal(0, Tasks.Notifier.SubscriberCount);
    }

    [Fact]
    public void UnknownTask_SaysItIsNotAvailable()
    {
        var cut = Render<TaskPane>(p => p.Add(x => x.TaskId, 404));

        Assert.Contains("Task 404 is not available", cut.Markup);
    }
}
