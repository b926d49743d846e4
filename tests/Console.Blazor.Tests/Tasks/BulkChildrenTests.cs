using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>The bulk pane: counts, a filter, the grid of children, live, and a child opening its own pane.</summary>
public sealed class BulkChildrenTests : ConsoleTestContext
{
    private ScriptedConsoleBulk _bulk => Bulk;

    [Fact]
    public async Task ShowsCountsAndChildren_UpdatesLive_FiltersAndOpensAChild()
    {
        _bulk.Children =
        [
            new(0, "u01", 11, "succeeded", 1, null, null, null),
            new(1, "u02", 12, "running", 0.4, null, null, null),
            new(2, "u03", null, BulkTasks.Pending, 0, null, null, null),
        ];
        var cut = Render<BulkChildren>(p => p.Add(c => c.ParentId, 7));

        Assert.Equal("3", cut.Find("[data-testid=bulk-count-all]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=bulk-count-succeeded]").TextContent);
        Assert.Equal("40%", cut.Find("[data-testid=bulk-child-u02] [data-testid=bulk-child-progress]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=bulk-child-u03] [data-testid=bulk-child-open]"));

        // The child on u02 fails: the station announces it, and the grid reads the page again.
        _bulk.Children[1] = _bulk.Children[1] with { State = "failed", Progress = 1, Error = "the disk said no" };
        Tasks.Notifier.Publish(new TaskUpdate(Views.Task(12, "storage.inventory", "u02", "failed"), []));
        cut.WaitForAssertion(() => Assert.Equal("the disk said no", cut.Find("[data-testid=bulk-child-u02] [data-testid=bulk-child-error]").TextContent), Timeout);
        Assert.Equal("1", cut.Find("[data-testid=bulk-count-failed]").TextContent);

        await cut.Find("[data-testid=bulk-filter-failed]").ClickAsync(new());
        Assert.Equal(["bulk-child-u02"], cut.FindAll("[data-testid^=bulk-child-u]").Select(r => r.GetAttribute("data-testid")));

        await cut.Find("[data-testid=bulk-child-u02] [data-testid=bulk-child-open]").ClickAsync(new());
        Assert.Contains(12L, Workspace.Open);
    }

    [Fact]
    public void ATaskThatIsNoBulkTask_SaysSo()
    {
        _bulk.Refusal = StationError.NotFound("task 8 is not a bulk task; it has no children");
        var cut = Render<BulkChildren>(p => p.Add(c => c.ParentId, 8));
        Assert.Equal("task 8 is not a bulk task; it has no children", cut.Find("[data-testid=bulk-error]").TextContent);
    }
}
