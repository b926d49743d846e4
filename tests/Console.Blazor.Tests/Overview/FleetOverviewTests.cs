using Bunit;
using Ccdsvm.Console.Blazor.Components.Overview;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Console.Blazor.Tests.Overview;

/// <summary>The first screen: the fleet's state from what the console holds, the next actions by privilege, live.</summary>
public sealed class FleetOverviewTests : ConsoleTestContext
{
    private const long GiB = 1L << 30;

    private static StorageInventoryResult FileSystems(params (string Mount, string Device, long Size, long Free)[] mounted) =>
        new([], [], [], [.. mounted.Select(m => new InventoryFileSystem(m.Device, null, m.Mount, "ext4", m.Size, m.Free, m.Free))], [], false);

    private void AFleet()
    {
        Tasks.UnitList.AddRange([Views.Unit("unit-a"), Views.Unit("unit-b"), Views.Unit("unit-c", "offline", Clock.GetUtcNow().AddMinutes(-20))]);
        Storage.Set("unit-a", FileSystems(("/", "/dev/vda1", 20 * GiB, 10 * GiB), ("/mnt/ccdsvm/data", "/dev/sdb1", 100 * GiB, 8 * GiB)));
        Storage.Set("unit-b", FileSystems(("/srv", "/dev/vdb1", 50 * GiB, 7 * GiB)));
        Tasks.Add(Views.Task(7, TaskKinds.StorageMkfs, "unit-b", "failed") with
        {
            Parameters = Views.Json("""{"device":"/dev/sdc","fstype":"xfs"}"""), Error = "mkfs.xfs: /dev/sdc appears to contain a partition table", EndedAt = Clock.GetUtcNow().AddHours(-1),
        });
        Tasks.Add(Views.Task(3, TaskKinds.FsChecksum, "unit-a", "failed") with { Error = "old failure", EndedAt = Clock.GetUtcNow().AddDays(-2) });
        Tasks.Add(Views.Task(8, TaskKinds.MaintenanceHold, "unit-a", "running"));
        Metrics.RaiseAlert(new Alert("unit-c", "offline", "offline", "unit-c is offline", Clock.GetUtcNow().AddMinutes(-20)));
    }

    private static string Text(IRenderedComponent<FleetOverview> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public void Overview_CountsUnits_ListsNearFullFileSystems_AndRecentFailuresWithReasons_WithoutStartingAnything()
    {
        AFleet();

        var cut = Render<FleetOverview>();

        Assert.Equal("2", Text(cut, "units-online"));
        Assert.Equal("1", Text(cut, "units-offline"));
        Assert.Contains("unit-c", Text(cut, "offline-unit-unit-c"));
        Assert.Equal("2", Text(cut, "near-full-count"));
        var rows = cut.FindAll("[data-testid=near-full-row]");
        Assert.Equal(["unit-a /mnt/ccdsvm/data", "unit-b /srv"], rows.Select(r => $"{r.GetAttribute("data-unit")} {r.GetAttribute("data-mount")}"));
        Assert.Contains("92%", rows[0].TextContent);
        Assert.Equal("1", Text(cut, "failed-count"));
        Assert.Contains("Make a file system", Text(cut, "failed-task-7"));
        Assert.Equal("mkfs.xfs: /dev/sdc appears to contain a partition table", Text(cut, "failed-reason"));
        Assert.Empty(cut.FindAll("[data-testid=failed-task-3]"));
        Assert.Equal("1", Text(cut, "running-tasks"));
        Assert.Equal("1", Text(cut, "alerts-count"));
        Assert.Contains("unit-c is offline", Text(cut, "alert-row"));

        var open = cut.Find("[data-testid=action-open-storage]");
        Assert.Equal("/units/unit-a/storage", open.GetAttribute("href"));
        Assert.Contains("Open storage on unit-a", open.TextContent);
        Assert.Equal("/tasks?state=failed", cut.Find("[data-testid=action-failed-tasks]").GetAttribute("href"));
        // Looking is no task and no read of a unit.
        Assert.Empty(Tasks.Submitted);
        Assert.Equal(0, Storage.Refreshes);
    }

    [Fact]
    public void NextActions_FollowWhatIsWrongAndWhatTheUserMayDo()
    {
        Tasks.UnitList.Add(Views.Unit("station"));
        Storage.Set("station", FileSystems(("/", "/dev/vda1", 20 * GiB, 15 * GiB)));

        var helpDesk = Render<FleetOverview>();
        Assert.Empty(helpDesk.FindAll("[data-testid=action-open-storage]"));
        Assert.Empty(helpDesk.FindAll("[data-testid=action-failed-tasks]"));
        Assert.Empty(helpDesk.FindAll("[data-testid=action-enrol]"));
        Assert.Single(helpDesk.FindAll("[data-testid=action-run-task]"));

        Tasks.IsAdmin = true;
        var admin = Render<FleetOverview>();
        Assert.Equal("/access", admin.Find("[data-testid=action-enrol]").GetAttribute("href"));

        foreach (var kind in Tasks.Kinds) Tasks.DeniedKinds.Add(kind.Kind);
        Tasks.IsAdmin = false;
        var viewer = Render<FleetOverview>();
        Assert.Empty(viewer.FindAll("[data-testid=action-run-task]"));
    }

    [Fact]
    public async Task Overview_FollowsUnitsStorageAndTasks_Live()
    {
        AFleet();
        var cut = Render<FleetOverview>();

        await Tasks.PublishUnitAsync(Views.Unit("unit-b", "offline", Clock.GetUtcNow()));
        cut.WaitForAssertion(() => Assert.Equal("1", Text(cut, "units-online")), Timeout);
        Assert.Equal("2", Text(cut, "units-offline"));
        Assert.Single(cut.FindAll("[data-testid=offline-unit-unit-b]"));

        await Task.Run(() => Storage.Push("unit-b", FileSystems(("/srv", "/dev/vdb1", 50 * GiB, 40 * GiB)))).WaitAsync(Timeout);
        cut.WaitForAssertion(() => Assert.Equal("1", Text(cut, "near-full-count")), Timeout);

        await Tasks.PublishAsync(Views.Task(9, TaskKinds.FsChecksum, "unit-a", "failed") with { Error = "no such file", EndedAt = Clock.GetUtcNow() });
        cut.WaitForAssertion(() => Assert.Equal("2", Text(cut, "failed-count")), Timeout);
        await Tasks.PublishAsync(Views.Task(8, TaskKinds.MaintenanceHold, "unit-a", "succeeded") with { EndedAt = Clock.GetUtcNow() });
        cut.WaitForAssertion(() => Assert.Equal("0", Text(cut, "running-tasks")), Timeout);
    }

    [Fact]
    public void Home_ShowsTheOverviewWithNoPanes_AndAFoldedStripOnceAPaneIsOpen()
    {
        AFleet();
        // Someone else's tasks: the workspace brings back only your own running and failed ones as panes.
        foreach (long id in new[] { 7L, 8L }) Tasks.Add(Tasks.Get(id)! with { Owner = "bob" });
        var home = Render<Home>();
        Assert.Single(home.FindAll("[data-testid=tile-units]"));
        Assert.Empty(home.FindAll("[data-testid=overview-strip]"));

        home.Find("[data-testid=action-run-task]").Click();
        home.WaitForElement("[data-testid=task-form]", Timeout);

        home.InvokeAsync(() => Workspace.Show(8));
        home.WaitForAssertion(() => Assert.Contains("2 online · 1 offline", home.Find("[data-testid=overview-line]").TextContent), Timeout);
        Assert.Empty(home.FindAll("[data-testid=tile-units]"));
        home.Find("[data-testid=overview-toggle]").Click();
        Assert.Single(home.FindAll("[data-testid=tile-units]"));
    }
}
