using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>
/// The task dialog as a storage administrator uses it: kinds under human names, devices picked from the unit's
/// inventory, paths browsed on the unit, a partition editor with a live bar, checks against the unit's policy and
/// inventory before anything starts, a modal confirmation by typed name, and "start another like this".
/// </summary>
public sealed class TaskDialogTests : ConsoleTestContext
{
    private const long MiB = 1L << 20, GiB = 1L << 30;

    // vda holds the running system; loop3 is empty (512 MiB); loop4 has a gpt table with one ext4 partition, not mounted;
    // loop5 has an ext4 file system mounted at /mnt/ccdsvm/five; vdb is a data disk outside the unit's allow-list.
    private static readonly string Inventory = $$"""
        {
          "disks": [
            {"name": "vda", "path": "/dev/vda", "type": "disk", "sizeBytes": {{10 * GiB}}, "fsType": null, "mountPoints": [], "children": [
              {"name": "vda1", "path": "/dev/vda1", "type": "part", "sizeBytes": {{10 * GiB - MiB}}, "fsType": "ext4", "mountPoints": ["/"], "children": []}]},
            {"name": "vdb", "path": "/dev/vdb", "type": "disk", "sizeBytes": {{GiB}}, "fsType": null, "mountPoints": [], "children": []},
            {"name": "loop3", "path": "/dev/loop3", "type": "loop", "sizeBytes": {{512 * MiB}}, "fsType": null, "mountPoints": [], "children": []},
            {"name": "loop4", "path": "/dev/loop4", "type": "loop", "sizeBytes": {{256 * MiB}}, "fsType": null, "mountPoints": [], "children": [
              {"name": "loop4p1", "path": "/dev/loop4p1", "type": "part", "sizeBytes": {{254 * MiB}}, "fsType": "ext4", "mountPoints": [], "children": []}]},
            {"name": "loop5", "path": "/dev/loop5", "type": "loop", "sizeBytes": {{128 * MiB}}, "fsType": "ext4", "mountPoints": ["/mnt/ccdsvm/five"], "children": []}
          ],
          "loops": [],
          "partitionTables": [
            {"device": "/dev/vda", "table": "gpt", "partitions": [{"number": 1, "node": "/dev/vda1", "start": {{MiB}}, "size": {{10 * GiB - 2 * MiB}}, "type": "linux"}]},
            {"device": "/dev/loop4", "table": "gpt", "partitions": [{"number": 1, "node": "/dev/loop4p1", "start": {{MiB}}, "size": {{254 * MiB}}, "type": "linux"}]}],
          "fileSystems": [
            {"device": "/dev/vda1", "backingNode": null, "mountpoint": "/", "fstype": "ext4", "sizeBytes": {{10 * GiB}}, "freeBytes": {{5 * GiB}}, "availableBytes": {{5 * GiB}}},
            {"device": "/dev/loop5", "backingNode": null, "mountpoint": "/mnt/ccdsvm/five", "fstype": "ext4", "sizeBytes": {{120 * MiB}}, "freeBytes": {{100 * MiB}}, "availableBytes": {{90 * MiB}}}],
          "arrays": [],
          "mdAvailable": true
        }
        """;

    private readonly List<long> _submitted = [];
    private readonly List<long> _started = [];

    public TaskDialogTests()
    {
        Storage.Set("unit-a", StorageInventory.Contract.ReadResult(Inventory)!);
        Tasks.UnitList.Add(Views.Unit("unit-a") with { Policy = new UnitPolicy("/mnt/ccdsvm", ["/dev/loop*"], []) });
        Tasks.UnitList.Add(Views.Unit("unit-b"));
    }

    private IRenderedComponent<TaskForm> RenderForm(string kind) =>
        Render<TaskForm>(p => p.Add(x => x.Target, "unit-a").Add(x => x.InitialKind, kind)
            .Add(x => x.OnSubmitted, (long id) => _submitted.Add(id)).Add(x => x.OnStarted, (long id) => _started.Add(id)));

    private static IElement Field(IRenderedComponent<TaskForm> cut, string name) => cut.Find($"[data-testid=param-{name}]");

    private static bool SubmitDisabled(IRenderedComponent<TaskForm> cut) => cut.Find("[data-testid=form-submit]").HasAttribute("disabled");

    private static string DeviceHelp(IRenderedComponent<TaskForm> cut) => cut.Find("[data-testid=param-device-help]").TextContent.Trim();

    private static void Confirm(IRenderedComponent<TaskForm> cut, string word)
    {
        cut.Find("[data-testid=form-submit]").Click();
        cut.Find("[data-testid=form-confirm]").Input(word);
        cut.Find("[data-testid=confirm-submit]").Click();
    }

    [Fact]
    public void KindPicker_GroupsKindsUnderTheNamesPeopleUse()
    {
        var cut = RenderForm("storage.mkfs");

        var groups = cut.FindAll("[data-testid=form-kind] optgroup").Select(g => g.GetAttribute("label")).ToList();
        Assert.Equal(["Storage", "Volumes", "Files", "Data", "Network", "Processes", "Maintenance"], groups);
        var data = cut.Find("[data-testid=form-kind] optgroup[label=Data]");
        Assert.Contains(data.QuerySelectorAll("option"), o => o.GetAttribute("value") == "data.move" && o.TextContent == "Move data");
        Assert.Equal("Format", cut.Find("[data-testid=form-kind] option[value='storage.mkfs']").TextContent);
        Assert.Equal("Make a file system", cut.Find("[data-testid=form-kind-title]").TextContent);
        // No dotted names anywhere a person reads.
        Assert.DoesNotContain(cut.FindAll("[data-testid=form-kind] option"), o => o.TextContent.Contains('.', StringComparison.Ordinal));
    }

    [Fact]
    public void DevicePicker_OffersTheInventorysDevicesWithWhatIsOnThem_ButNotTheSystemDisk()
    {
        var cut = RenderForm("storage.mkfs");

        var offered = Field(cut, "device").QuerySelectorAll("option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(["", "/dev/vdb", "/dev/loop3", "/dev/loop4", "/dev/loop4p1", "/dev/loop5"], offered);
        Assert.Contains("ext4", Field(cut, "device").QuerySelector("option[value='/dev/loop4p1']")!.TextContent);

        // A partition table goes on a whole disk: partitions are not offered for it.
        var partition = RenderForm("storage.partition");
        Assert.DoesNotContain("/dev/loop4p1", Field(partition, "device").QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public void DeviceOutsideTheUnitsAllowList_IsRefusedAtTheForm_InTheUnitsWords()
    {
        var cut = RenderForm("storage.mkfs");
        Field(cut, "fstype").Change("ext4");

        Field(cut, "device").Change("/dev/vdb");

        Assert.Equal("/dev/vdb is not in this unit's device allow-list (Agent:Devices: /dev/loop*)", DeviceHelp(cut));
        Assert.True(SubmitDisabled(cut));
        Field(cut, "device").Change("/dev/loop3");
        Assert.Equal("block device under /dev allowed by the unit's Agent:Devices", DeviceHelp(cut));
        Assert.False(SubmitDisabled(cut));
    }

    [Fact]
    public void DeviceThatHoldsData_WantsForce_BeforeAnythingStarts()
    {
        var cut = RenderForm("storage.mkfs");
        Field(cut, "fstype").Change("xfs");

        Field(cut, "device").Change("/dev/loop4p1");
        Assert.Equal("/dev/loop4p1 already holds an ext4 file system: switch on force to overwrite it", DeviceHelp(cut));
        Assert.True(SubmitDisabled(cut));

        Field(cut, "device").Change("/dev/loop4");
        Assert.Equal("/dev/loop4 already holds a gpt partition table with 1 partition: switch on force to overwrite it", DeviceHelp(cut));

        Field(cut, "force").Change(true);
        Assert.False(SubmitDisabled(cut));
        Assert.Equal("On it now: 268 MB (256 MiB); /dev/loop4p1: ext4", cut.Find("[data-testid=form-danger-detail]").TextContent.Trim());
    }

    [Fact]
    public void Mount_IsCheckedAgainstTheMountRootAndTheInventory()
    {
        var cut = RenderForm("storage.mount");

        Field(cut, "device").Change("/dev/loop3");
        Assert.Equal("/dev/loop3 has no file system: format it first", DeviceHelp(cut));
        Field(cut, "device").Change("/dev/loop5");
        Assert.Equal("/dev/loop5 is already mounted at /mnt/ccdsvm/five", DeviceHelp(cut));
        Field(cut, "device").Change("/dev/loop4p1");
        Assert.Equal("block device under /dev allowed by the unit's Agent:Devices", DeviceHelp(cut));

        Field(cut, "mountpoint").Input("/etc/x");
        Assert.Contains("mount points on this unit must lie under /mnt/ccdsvm/ (Agent:MountRoot)", cut.Markup);
        Assert.True(SubmitDisabled(cut));
        Field(cut, "mountpoint").Input("/mnt/ccdsvm/five");
        Assert.Contains("/dev/loop5 is already mounted at /mnt/ccdsvm/five", cut.Markup);
        Field(cut, "mountpoint").Input("/mnt/ccdsvm/four");
        Assert.False(SubmitDisabled(cut));

        cut.Find("[data-testid=form-submit]").Click();
        var p = Assert.Single(Tasks.Submitted).Parameters!.Value;
        Assert.Equal("/dev/loop4p1", p.GetProperty("device").GetString());
        Assert.Equal("/mnt/ccdsvm/four", p.GetProperty("mountpoint").GetString());
    }

    [Fact]
    public void PartitionEditor_DrawsTheRowsOnTheDisk_AsTheyAreTyped_AndRefusesWhatDoesNotFit()
    {
        var cut = RenderForm("storage.partition");
        Field(cut, "device").Change("/dev/loop3");
        Field(cut, "table").Change("gpt");

        // One row taking the rest: the whole usable disk (512 MiB less 2 MiB for the table).
        Assert.Equal("100%", cut.Find("[data-testid=part-seg-1]").GetAttribute("data-percent"));
        cut.Find("[data-testid=part-add]").Click();
        Assert.Equal(2, cut.FindAll("[data-testid^=part-row-]").Count);
        cut.Find("[data-testid=part-size-1]").Input("102");
        Assert.Equal("20%", cut.Find("[data-testid=part-seg-1]").GetAttribute("data-percent"));
        Assert.Equal("80%", cut.Find("[data-testid=part-seg-2]").GetAttribute("data-percent"));
        Assert.Contains("rest (428 MB (408 MiB))", cut.Find("[data-testid=part-seg-2]").TextContent);

        cut.Find("[data-testid=part-size-1]").Input("600");
        Assert.Equal("the partitions need 629 MB (600 MiB) but the disk has 535 MB (510 MiB) to give (2 MiB go to the table)",
            cut.Find("[data-testid=partition-summary]").TextContent.Trim());
        Assert.Contains("over", cut.Find("[data-testid=part-seg-1]").ClassList);
        Assert.True(SubmitDisabled(cut));

        cut.Find("[data-testid=part-size-1]").Input("200");
        cut.Find("[data-testid=part-type-1]").Change("swap");
        cut.Find("[data-testid=part-name-2]").Input("data");
        Assert.Equal("Partition /dev/loop3…", cut.Find("[data-testid=form-submit]").TextContent.Trim());
        Confirm(cut, "/dev/loop3");

        var p = Assert.Single(Tasks.Submitted).Parameters!.Value;
        Assert.Equal("""[{"sizeMiB":200,"type":"swap"},{"sizeMiB":"rest","type":"linux","name":"data"}]""", p.GetProperty("partitions").GetRawText());
        Assert.Single(_submitted);
    }

    [Fact]
    public void PathPicker_BrowsesTheUnitsFolders_WithoutStartingATask()
    {
        Reads.OnList = (_, path) => path switch
        {
            "/srv/data" => """{"path": "/srv/data", "entries": [{"name": "a.bin", "type": "file", "size": 2048, "mode": "0644", "modified": "2026-12-01T10:00:00Z"}, {"name": "logs", "type": "directory", "size": 0, "mode": "0755", "modified": "2026-12-01T10:00:00Z"}]}""",
            "/srv/data/logs" => """{"path": "/srv/data/logs", "entries": [{"name": "x.log", "type": "file", "size": 10, "mode": "0644", "modified": "2026-12-01T10:00:00Z"}]}""",
            _ => """{"path": "/", "entries": []}""",
        };
        var cut = RenderForm("fs.checksum");

        cut.Find("[data-testid=browse-param-path]").Click();
        cut.WaitForElement("[data-testid=browse-logs]", Timeout);
        // Folders first, files with their size.
        Assert.Equal(["browse-logs", "browse-a.bin"], cut.FindAll(".browser-entry").Select(e => e.GetAttribute("data-testid")));
        cut.Find("[data-testid=browse-logs]").Click();
        cut.WaitForElement("[data-testid=browse-x\\.log]", Timeout);
        Assert.Equal("/srv/data/logs", cut.Find("[data-testid=browser-path]").TextContent);
        cut.Find("[data-testid=browse-x\\.log]").Click();

        Assert.Equal("/srv/data/logs/x.log", Field(cut, "path").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=browser-param-path]"));
        Assert.Equal([("unit-a", "/srv/data"), ("unit-a", "/srv/data/logs")], Reads.Listed);
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void ArrayMembers_AreTickedFromTheInventory()
    {
        var cut = RenderForm("storage.raid");

        cut.Find("[data-testid=param-devices-loop3]").Change(true);
        // Checked as ticked: an array needs two members.
        Assert.Equal("parameter 'devices' needs at least 2 items, got 1", cut.Find("[data-testid=param-devices-help]").TextContent.Trim());
        cut.Find("[data-testid=param-devices-loop4p1]").Change(true);
        Assert.Equal("/dev/loop4p1 already holds an ext4 file system: switch on force to overwrite it", cut.Find("[data-testid=param-devices-help]").TextContent.Trim());
        cut.Find("[data-testid=param-devices-loop4p1]").Change(false);
        cut.Find("[data-testid=param-devices-loop4]").Change(false);
        cut.Find("[data-testid=param-devices-loop5]").Change(true);
        Assert.Contains("/dev/loop5 is mounted at /mnt/ccdsvm/five: unmount it first", cut.Find("[data-testid=param-devices-help]").TextContent);
        cut.Find("[data-testid=param-devices-loop5]").Change(false);
        cut.Find("[data-testid=param-devices-vdb]").Change(true);
        Assert.Contains("not in this unit's device allow-list", cut.Find("[data-testid=param-devices-help]").TextContent);
        Tasks.UnitList[0] = Tasks.UnitList[0] with { Policy = new UnitPolicy("/mnt/ccdsvm", ["/dev/loop*", "/dev/vd?"], []) };
        Field(cut, "name").Input("data");
        Field(cut, "level").Change("raid1");

        Confirm(cut, "yes");

        var p = Assert.Single(Tasks.Submitted).Parameters!.Value;
        Assert.Equal(["/dev/vdb", "/dev/loop3"], p.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void StartAnotherLikeThis_KeepsTheFormAndItsValues_AndStartsEachInItsPane()
    {
        var cut = RenderForm("maintenance.hold");
        Field(cut, "resource").Input("disks/sdb");
        Field(cut, "seconds").Input("60");
        cut.Find("[data-testid=form-again]").Change(true);

        cut.Find("[data-testid=form-submit]").Click();
        Assert.Contains("Started task #", cut.Find("[data-testid=form-started]").TextContent);
        Assert.Equal("disks/sdb", Field(cut, "resource").GetAttribute("value"));
        Field(cut, "resource").Input("disks/sdc");
        Assert.Empty(cut.FindAll("[data-testid=form-started]"));
        cut.Find("[data-testid=form-submit]").Click();

        Assert.Equal(["disks/sdb", "disks/sdc"], Tasks.Submitted.Select(s => s.Parameters!.Value.GetProperty("resource").GetString()));
        Assert.Equal(2, _started.Count);
        Assert.Empty(_submitted);
    }

    [Fact]
    public void ConfirmationModal_CancelledWithEscape_StartsNothing()
    {
        var cut = RenderForm("storage.mkfs");
        Field(cut, "device").Change("/dev/loop3");
        Field(cut, "fstype").Change("ext4");
        cut.Find("[data-testid=form-submit]").Click();
        Assert.Equal("Format /dev/loop3?", cut.Find("#confirm-title").TextContent);
        Assert.Equal("Format /dev/loop3: erases all data on it", cut.Find("[data-testid=confirm-danger]").TextContent);

        cut.Find("[data-testid=confirm-modal]").KeyDown("Escape");

        Assert.Empty(cut.FindAll("[data-testid=confirm-modal]"));
        Assert.Empty(Tasks.Submitted);
    }
}
