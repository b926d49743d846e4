using Bunit;
using Ccdsvm.Console.Blazor.Components.Storage;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Storage;

public sealed class StoragePageTests : ConsoleTestContext
{
    private const long GiB = 1L << 30, MiB = 1L << 20;

    // A 1 GiB gpt disk with a 256 MiB and a 512 MiB partition (255 MiB free at the end), an empty loop device,
    // a degraded md array and a healthy btrfs one, and two mounted file systems.
    private static readonly string Inventory = $$"""
        {
          "disks": [
            {"name": "sdb", "path": "/dev/sdb", "type": "disk", "sizeBytes": {{GiB}}, "fsType": null, "mountPoints": [], "model": "QEMU HARDDISK", "children": [
              {"name": "sdb1", "path": "/dev/sdb1", "type": "part", "sizeBytes": {{256 * MiB}}, "fsType": "ext4", "mountPoints": ["/mnt/ccdsvm/a"], "children": []},
              {"name": "sdb2", "path": "/dev/sdb2", "type": "part", "sizeBytes": {{512 * MiB}}, "fsType": "linux_raid_member", "mountPoints": [], "children": []}]},
            {"name": "loop3", "path": "/dev/loop3", "type": "loop", "sizeBytes": {{512 * MiB}}, "fsType": null, "mountPoints": [], "children": []}
          ],
          "loops": [{"name": "/dev/loop3", "backFile": "/tmp/disk.img", "offset": 0, "sizeLimit": 0, "partitionOf": null, "partitionNumber": null}],
          "partitionTables": [{"device": "/dev/sdb", "table": "gpt", "partitions": [
            {"number": 1, "node": "/dev/sdb1", "start": {{MiB}}, "size": {{256 * MiB}}, "type": "linux"},
            {"number": 2, "node": "/dev/sdb2", "start": {{257 * MiB}}, "size": {{512 * MiB}}, "type": "raid"}]}],
          "fileSystems": [
            {"device": "/dev/sdb1", "mountpoint": "/mnt/ccdsvm/a", "fstype": "ext4", "sizeBytes": {{200 * MiB}}, "freeBytes": {{50 * MiB}}, "availableBytes": {{40 * MiB}}},
            {"device": "/dev/vda1", "mountpoint": "/", "fstype": "ext4", "sizeBytes": {{10 * GiB}}, "freeBytes": {{5 * GiB}}, "availableBytes": {{5 * GiB}}}],
          "arrays": [
            {"engine": "md", "name": "md0", "uuid": "u1", "level": "raid1", "members": ["/dev/sdb2"], "expectedDevices": 2, "degraded": true, "mountpoint": null},
            {"engine": "btrfs", "name": "data", "uuid": "u2", "level": "raid1", "members": ["/dev/sdc", "/dev/sdd"], "expectedDevices": 2, "degraded": false, "mountpoint": "/mnt/ccdsvm/data"}],
          "mdAvailable": true
        }
        """;

    private static StorageInventoryResult Read(string json) => StorageInventory.Contract.ReadResult(json)!;

    private IRenderedComponent<StoragePage> RenderPage()
    {
        Storage.Set("unit-a", Read(Inventory));
        Tasks.AnswerWith(_ => "{}");
        var cut = Render<StoragePage>(p => p.Add(x => x.UnitId, "unit-a"));
        cut.WaitForElement("[data-testid=disk-sdb]", Timeout);
        return cut;
    }

    [Fact]
    public void Inventory_DrawsEachPartitionByItsShareOfTheDisk()
    {
        var cut = RenderPage();

        // Looking at the page is no task: nothing is submitted, and a reading this fresh is not read again.
        Assert.Empty(Tasks.Submitted);
        Assert.Equal(0, Storage.Refreshes);
        var p1 = cut.Find("[data-testid=seg-sdb1]");
        var p2 = cut.Find("[data-testid=seg-sdb2]");
        Assert.Equal("25%", p1.GetAttribute("data-percent"));
        Assert.Contains("flex: 0 0 25%", p1.GetAttribute("style"));
        Assert.Equal("50%", p2.GetAttribute("data-percent"));
        // 255 MiB of 1024 left at the end; the 1 MiB alignment gap before the first partition is not drawn.
        var free = cut.Find("[data-testid='seg-sdb-free-806354944']");
        Assert.Equal("24.902%", free.GetAttribute("data-percent"));
        Assert.Equal(3, cut.FindAll("[data-testid=disk-sdb] .seg").Count);
        Assert.Contains("ext4", p1.TextContent);
        Assert.Contains("268 MB (256 MiB)", p1.TextContent);
        Assert.Contains("/dev/sdb1", p1.TextContent);
    }

    [Fact]
    public void DegradedArray_IsMarkedRed_HealthyOneIsNot()
    {
        var cut = RenderPage();

        var md0 = cut.Find("[data-testid=array-md0]");
        Assert.Contains("degraded", md0.ClassList);
        Assert.Contains("degraded", md0.QuerySelector("[data-testid=array-health]")!.TextContent);
        Assert.DoesNotContain("degraded", cut.Find("[data-testid=array-data]").ClassList);
    }

    [Fact]
    public void MountedFileSystems_ShowUsage()
    {
        var cut = RenderPage();

        var fs = cut.Find("[data-testid='fs-/mnt/ccdsvm/a']");
        Assert.Contains("157 MB (150 MiB) used of 210 MB (200 MiB)", fs.TextContent);
        Assert.Contains("width:75%", fs.QuerySelector(".usage-bar > div")!.GetAttribute("style"));
    }

    [Fact]
    public void FormatOnSelectedDevice_NamesTheDeviceInRed_AndConfirmsWithARedButton()
    {
        var cut = RenderPage();

        cut.Find("[data-testid=select-disk-loop3]").Click();
        cut.Find("[data-testid=action-mkfs]").Click();

        var danger = cut.Find("[data-testid=form-danger]");
        Assert.Equal("Format /dev/loop3: erases all data on it", danger.TextContent.Trim());
        Assert.Contains("danger-text", danger.ClassList);
        Assert.Equal("/dev/loop3", cut.Find("[data-testid=param-device]").GetAttribute("value"));
        Assert.Equal("ext4", cut.Find("[data-testid=param-fstype]").GetAttribute("value"));
        Assert.Contains("mud-button-filled-error", cut.Find("[data-testid=form-submit]").ClassList);
        Assert.Equal("On it now: 537 MB (512 MiB); no file system", cut.Find("[data-testid=form-danger-detail]").TextContent.Trim());
        Assert.Equal("Format /dev/loop3…", cut.Find("[data-testid=form-submit]").TextContent.Trim());
        // The button opens a modal naming what is lost; typing anything but the device keeps its button disabled.
        cut.Find("[data-testid=form-submit]").Click();
        Assert.Equal("On it now: 537 MB (512 MiB); no file system", cut.Find("[data-testid=confirm-detail]").TextContent.Trim());
        Assert.True(cut.Find("[data-testid=confirm-submit]").HasAttribute("disabled"));
        cut.Find("[data-testid=form-confirm]").Input("/dev/loop");
        Assert.True(cut.Find("[data-testid=confirm-submit]").HasAttribute("disabled"));
        cut.Find("[data-testid=form-confirm]").Input("/dev/loop3");
        Assert.False(cut.Find("[data-testid=confirm-submit]").HasAttribute("disabled"));
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void PartitionFromSelection_SubmitsPrefilledTable_AndOpensThePaneOnThePage()
    {
        var cut = RenderPage();

        cut.Find("[data-testid=select-disk-loop3]").Click();
        cut.Find("[data-testid=action-partition]").Click();
        Assert.Equal("Repartition /dev/loop3: erases all data on it", cut.Find("[data-testid=form-danger]").TextContent.Trim());
        cut.Find("[data-testid=form-submit]").Click();
        cut.Find("[data-testid=form-confirm]").Input("/dev/loop3");
        cut.Find("[data-testid=confirm-submit]").Click();

        cut.WaitForState(() => Tasks.Submitted.Count == 1, Timeout);
        var submitted = Tasks.Submitted[0];
        Assert.Equal("storage.partition", submitted.Kind);
        Assert.Equal("/dev/loop3", submitted.Param("device"));
        Assert.Equal("gpt", submitted.Param("table"));
        Assert.Contains("\"rest\"", submitted.Param("partitions"));
        cut.WaitForElement("[data-testid=storage-task] .task-pane", Timeout);
        Assert.Empty(cut.FindAll("[data-testid=task-form]"));
    }

    [Fact]
    public void HelpDeskUser_SeesTheLayout_ButNoDestructiveAction()
    {
        // What the HelpDesk role may not run on the unit: the page offers none of it.
        foreach (var kind in new[] { "storage.partition", "storage.mkfs", "storage.mount", "storage.unmount", "storage.raid" }) Tasks.DeniedKinds.Add(kind);

        var cut = RenderPage();

        Assert.NotEmpty(cut.FindAll("[data-testid=disk-sdb]"));
        foreach (var action in new[] { "action-partition", "action-mkfs", "action-mount", "action-raid", "fs-unmount" })
            Assert.Empty(cut.FindAll($"[data-testid={action}]"));
    }

    [Fact]
    public void StorageAdmin_GetsTheDestructiveActions()
    {
        var cut = RenderPage();

        foreach (var action in new[] { "action-partition", "action-mkfs", "action-mount", "action-raid", "fs-unmount" })
            Assert.NotEmpty(cut.FindAll($"[data-testid={action}]"));
    }

    [Fact]
    public void HeldDisk_IsNamedWithItsHolderAndReason_AndThePageStillShowsEverything()
    {
        Tasks.Add(Views.Task(41, "maintenance.hold", owner: "bob") with { Parameters = Views.Json("""{"resource":"disks/loop3","seconds":600,"reason":"replacing cable"}""") });
        Tasks.HeldLocks.Add(new HeldLockView("/units/unit-a/disks/loop3", "exclusive", 41, "bob", "maintenance.hold", Views.Created, 0));

        var cut = RenderPage();

        var held = cut.Find("[data-testid=held-loop3]").TextContent;
        Assert.Contains("/dev/loop3", held);
        Assert.Contains("#41", held);
        Assert.Contains("bob", held);
        Assert.Contains("“replacing cable”", held);
        Assert.Contains("held by #41 (bob)", cut.Find("[data-testid=disk-held-loop3]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=disk-held-sdb]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=seg-sdb1]"));
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void NoReadingYet_AsksTheUnit_AndDrawsItsAnswer_WithoutATask()
    {
        var answer = new TaskCompletionSource<Outcome<StorageSnapshot>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Storage.OnRefresh = _ => answer.Task;

        var cut = Render<StoragePage>(p => p.Add(x => x.UnitId, "unit-a"));

        cut.WaitForElement("[data-testid=storage-reading]", Timeout);
        Assert.Equal(1, Storage.Refreshes);
        answer.SetResult(Storage.Set("unit-a", Read(Inventory)));
        cut.WaitForElement("[data-testid=disk-sdb]", Timeout);
        Assert.Empty(cut.FindAll("[data-testid=storage-reading]"));
        Assert.Contains("just now", cut.Find("[data-testid=storage-age]").TextContent);
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void OldReading_IsShownAtOnceWithItsAge_ThenReplacedByTheFreshOne()
    {
        var answer = new TaskCompletionSource<Outcome<StorageSnapshot>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Storage.Set("unit-a", Read(Inventory), Clock.GetUtcNow().AddMinutes(-5));
        Storage.OnRefresh = _ => answer.Task;

        var cut = Render<StoragePage>(p => p.Add(x => x.UnitId, "unit-a"));

        cut.WaitForElement("[data-testid=disk-sdb]", Timeout);
        Assert.Contains("5 min ago", cut.Find("[data-testid=storage-age]").TextContent);
        Assert.Contains("reading again", cut.Find("[data-testid=storage-age]").TextContent);
        answer.SetResult(Storage.Set("unit-a", Read(Inventory.Replace("loop3", "loop9", StringComparison.Ordinal))));
        cut.WaitForElement("[data-testid=disk-loop9]", Timeout);
        Assert.Contains("just now", cut.Find("[data-testid=storage-age]").TextContent);
    }

    [Fact]
    public void UnitThatDoesNotAnswer_IsSaid_AndTheLastReadingStays()
    {
        Storage.Set("unit-a", Read(Inventory), Clock.GetUtcNow().AddHours(-2));
        Storage.OnRefresh = _ => Task.FromResult<Outcome<StorageSnapshot>>(StationError.Conflict("unit 'unit-a' is offline; showing what it had at 08:00:00 UTC"));

        var cut = Render<StoragePage>(p => p.Add(x => x.UnitId, "unit-a"));

        cut.WaitForElement("[data-testid=storage-error]", Timeout);
        Assert.Contains("is offline", cut.Find("[data-testid=storage-error]").TextContent);
        Assert.NotEmpty(cut.FindAll("[data-testid=disk-sdb]"));
        Assert.Contains("2 h ago", cut.Find("[data-testid=storage-age]").TextContent);
    }

    [Fact]
    public void ReadingFromTheAgent_UpdatesThePageLive()
    {
        var cut = RenderPage();
        Assert.Empty(cut.FindAll("[data-testid=disk-loop9]"));

        Storage.Push("unit-a", Read(Inventory.Replace("loop3", "loop9", StringComparison.Ordinal)));

        cut.WaitForElement("[data-testid=disk-loop9]", Timeout);
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void UserWhoMayNotSeeTheStorage_GetsTheRefusal_AndNoReadingIsAsked()
    {
        Storage.Refusal = StationError.Forbidden("you may not run storage.inventory on /units/unit-a/disks");

        var cut = Render<StoragePage>(p => p.Add(x => x.UnitId, "unit-a"));

        Assert.Contains("may not run storage.inventory", cut.Find("[data-testid=storage-error]").TextContent);
        Assert.Equal(0, Storage.Refreshes);
    }

    [Fact]
    public void DiskWithTheSystem_IsNotOfferedForPartitioningOrFormatting_AndRootCannotBeUnmounted()
    {
        var withSystem = Inventory.Replace("""{"device": "/dev/vda1", "mountpoint": "/",""", """{"device": "/dev/sdb1", "mountpoint": "/",""", StringComparison.Ordinal);
        Storage.Set("unit-a", Read(withSystem));
        Tasks.AnswerWith(_ => "{}");
        var cut = Render<StoragePage>(p => p.Add(x => x.UnitId, "unit-a"));
        cut.WaitForElement("[data-testid=disk-sdb]", Timeout);

        cut.Find("[data-testid=select-disk-sdb]").Click();

        Assert.Contains("/dev/sdb holds the running system (/)", cut.Find("[data-testid=system-disk-note]").TextContent);
        Assert.True(cut.Find("[data-testid=action-partition]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=action-mkfs]").HasAttribute("disabled"));
        Assert.Single(cut.FindAll("[data-testid='fs-/'] [data-testid=fs-system]"));
        Assert.Empty(cut.FindAll("[data-testid='fs-/'] [data-testid=fs-unmount]"));
        // A data disk stays available.
        cut.Find("[data-testid=select-disk-loop3]").Click();
        Assert.Empty(cut.FindAll("[data-testid=system-disk-note]"));
        Assert.False(cut.Find("[data-testid=action-partition]").HasAttribute("disabled"));
    }

    [Fact]
    public void PartitionWarning_NamesWhatIsOnTheDisk()
    {
        var cut = RenderPage();

        cut.Find("[data-testid=select-disk-sdb]").Click();
        cut.Find("[data-testid=action-partition]").Click();

        var detail = cut.Find("[data-testid=form-danger-detail]").TextContent;
        Assert.Contains("1.07 GB (1 GiB)", detail);
        Assert.Contains("/dev/sdb1: ext4, mounted at /mnt/ccdsvm/a", detail);
        Assert.Contains("/dev/sdb2: linux_raid_member", detail);
    }
}
