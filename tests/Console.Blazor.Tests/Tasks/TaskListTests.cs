using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>The task list: what each task is about, why it failed, states in words, and search and kind filters that also apply to live changes.</summary>
public sealed class TaskListTests : ConsoleTestContext
{
    public TaskListTests()
    {
        Tasks.IsAdmin = true;
        Tasks.Add(Views.Task(1, "fs.checksum", state: "succeeded") with { Parameters = Views.Json("""{"path":"/srv/a/x.bin"}""") });
        Tasks.Add(Views.Task(2, "storage.mkfs", state: "failed") with
        {
            Parameters = Views.Json("""{"device":"/dev/sdb","fstype":"ext4"}"""),
            Error = "mkfs.ext4: /dev/sdb is apparently in use by the system",
        });
        Tasks.Add(Views.Task(3, "maintenance.hold", state: "waitingForLocks", owner: "bob") with { Parameters = Views.Json("""{"resource":"disks/sdb","seconds":60}""") });
    }

    private static string Row(IRenderedComponent<TaskList> cut, long id, string cell) => cut.Find($"[data-testid=task-row-{id}] [data-testid={cell}]").TextContent.Trim();

    [Fact]
    public void Rows_SayWhatEachTaskIsAbout_AndWhyOneFailed_InWords()
    {
        var cut = Render<TaskList>();

        Assert.Equal("/srv/a/x.bin", Row(cut, 1, "task-subject"));
        Assert.Equal("/dev/sdb", Row(cut, 2, "task-subject"));
        Assert.Equal("disks/sdb", Row(cut, 3, "task-subject"));
        Assert.Contains("apparently in use", Row(cut, 2, "task-detail"));
        Assert.Contains("task-error", cut.Find("[data-testid=task-row-2] [data-testid=task-detail]").ClassList);
        Assert.Equal("waiting for locks", Row(cut, 3, "state-chip"));
        Assert.Contains("Make a file system on unit-a", cut.Find("[data-testid=task-row-2]").TextContent);
        Assert.Contains(cut.FindAll("[data-testid=filter-state] option"), o => o.TextContent == "waiting for locks" && o.GetAttribute("value") == "waitingForLocks");
    }

    [Fact]
    public void KindAndTextFilters_NarrowTheList_AndLiveChangesFollowThem()
    {
        var cut = Render<TaskList>();
        Assert.Equal(3, cut.FindAll("tr.clickable").Count);

        cut.Find("[data-testid=filter-kind]").Change("storage.mkfs");
        Assert.Single(cut.FindAll("tr.clickable"));
        Assert.NotEmpty(cut.FindAll("[data-testid=task-row-2]"));

        cut.Find("[data-testid=filter-kind]").Change("");
        cut.Find("[data-testid=filter-text]").Input("IN USE");
        Assert.Single(cut.FindAll("[data-testid=task-row-2]"));
        Assert.Single(cut.FindAll("tr.clickable"));
        cut.Find("[data-testid=filter-text]").Input("/srv/a");
        Assert.Single(cut.FindAll("[data-testid=task-row-1]"));
        Assert.Single(cut.FindAll("tr.clickable"));

        // A new task that matches the search appears live; one that does not stays out.
        _ = Tasks.PublishAsync(Views.Task(4, "fs.list") with { Parameters = Views.Json("""{"path":"/srv/a"}""") });
        cut.WaitForElement("[data-testid=task-row-4]", Timeout);
        Tasks.PublishAsync(Views.Task(5, "fs.list") with { Parameters = Views.Json("""{"path":"/var/log"}""") }).Wait(Timeout);
        Assert.Empty(cut.FindAll("[data-testid=task-row-5]"));

        // The live update above may still be on its way to the renderer: wait for the list, do not sample it.
        cut.Find("[data-testid=filter-text]").Input("nothing-like-this");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=tasks-empty]")), Timeout);
        Assert.Empty(cut.FindAll("tr.clickable"));
    }

    [Fact]
    public void OverlongSearch_IsRefusedInWords()
    {
        var cut = Render<TaskList>();

        cut.Find("[data-testid=filter-text]").Input(new string('x', 201));

        Assert.Contains("longer than 200 characters", cut.Find("[data-testid=tasks-error]").TextContent);
        Assert.Empty(cut.FindAll("tr.clickable"));
    }
}
