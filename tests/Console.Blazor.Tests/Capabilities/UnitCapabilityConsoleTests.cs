using Bunit;
using Ccdsvm.Console.Blazor.Components.Storage;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Components.Units;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using UnitPage = Ccdsvm.Console.Blazor.Components.Units.UnitPage;

namespace Ccdsvm.Console.Blazor.Tests.Capabilities;

/// <summary>
/// Heterogeneous units in the console: the run-task form, the Storage page and the unit page offer only what the unit
/// announced it can run (the station's own check, <see cref="Station.Core.Tasks.KindAbility"/>), say why where an action
/// would otherwise just be missing, and second-guess nothing for a unit that announced no capabilities.
/// </summary>
public sealed class UnitCapabilityConsoleTests : ConsoleTestContext
{
    private const string NoMdadm = "unit-42 cannot run storage.raid: mdadm is not installed there";

    private static readonly string[] StorageKinds =
        [TaskKinds.FsChecksum, TaskKinds.MaintenanceHold, TaskKinds.StorageRaid, TaskKinds.StorageMkfs, TaskKinds.StoragePartition, TaskKinds.StorageMount];

    /// <summary>A unit on Alpine/arm64 whose agent runs <paramref name="kinds"/> and found <paramref name="tools"/>.</summary>
    private void Unit(string id, IReadOnlyList<string> kinds, IReadOnlyList<string> tools) =>
        Tasks.UnitList.Add(Views.Unit(id) with { Capabilities = new UnitCapabilities("alpine", "3.20", "arm64", kinds, tools) });

    private IRenderedComponent<TaskForm> Form(string target, string? kind = null, IReadOnlyDictionary<string, string>? parameters = null) =>
        Render<TaskForm>(p =>
        {
            p.Add(x => x.Target, target);
            if (kind is not null) p.Add(x => x.InitialKind, kind);
            if (parameters is not null) p.Add(x => x.InitialParameters, parameters);
        });

    private static List<string> OfferedKinds(IRenderedComponent<TaskForm> cut) =>
        cut.FindAll("[data-testid=form-kind] option").Select(o => o.GetAttribute("value")!).ToList();

    [Fact]
    public void AUnitWithoutMdadm_IsNotOfferedRaid_AUnitWithMdadmIs()
    {
        Unit("unit-42", StorageKinds, ["sfdisk", "wipefs", "mkfs.ext4", "mount"]);
        Unit("unit-43", StorageKinds, ["sfdisk", "wipefs", "mkfs.ext4", "mount", "mdadm"]);

        var without = OfferedKinds(Form("unit-42"));
        var with = OfferedKinds(Form("unit-43"));

        Assert.DoesNotContain(TaskKinds.StorageRaid, without);
        Assert.Contains(TaskKinds.StorageMkfs, without);
        Assert.Contains(TaskKinds.StoragePartition, without);
        Assert.Contains(TaskKinds.StorageRaid, with);
        // Asked for RAID anyway (a stale link), the form opens on something the unit can run.
        var asked = Form("unit-42", TaskKinds.StorageRaid);
        Assert.NotEqual(TaskKinds.StorageRaid, asked.Find("[data-testid=form-kind]").GetAttribute("value"));
    }

    [Fact]
    public void AUnitThatAnnouncedNothing_IsOfferedEveryKind_AsTheStationDoes()
    {
        Tasks.UnitList.Add(Views.Unit("old-agent"));

        var offered = OfferedKinds(Form("old-agent"));

        var everyKind = Tasks.Kinds.Where(k => !k.RunsAtStation && k.Contract is not null).Select(k => k.Kind).Order(StringComparer.Ordinal);
        Assert.Equal(everyKind, offered.Order(StringComparer.Ordinal));
        Assert.Contains(TaskKinds.StorageRaid, offered);
    }

    [Fact]
    public void AKindItsAgentDoesNotAnnounce_IsNotOffered_EvenWithEveryTool()
    {
        Unit("unit-42", [TaskKinds.FsList, TaskKinds.StorageMkfs], UnitAbilities.ProbedTools);

        var offered = OfferedKinds(Form("unit-42"));

        // Browser transfers run at the station for the unit (the real console keeps them out of forms; the scripted one lists them).
        Assert.Equal([TaskKinds.FsList, TaskKinds.StorageMkfs], offered.Where(k => !Station.Core.Tasks.BrowserTransferKinds.Is(k)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WithOnlyBtrfsTools_RaidIsOffered_StartingFromTheBtrfsEngine()
    {
        Unit("unit-42", StorageKinds, ["mkfs.btrfs", "btrfs"]);

        var cut = Form("unit-42", TaskKinds.StorageRaid);

        Assert.Equal(TaskKinds.StorageRaid, cut.Find("[data-testid=form-kind]").GetAttribute("value"));
        Assert.Equal("btrfs", cut.Find("[data-testid=param-engine]").GetAttribute("value"));
        // Choosing md says why not, at the field, and the task cannot be started.
        cut.Find("[data-testid=param-engine]").Change("md");
        Assert.Equal(NoMdadm, cut.Find("[data-testid=param-engine-error]").TextContent.Trim());
        Assert.True(cut.Find("[data-testid=form-submit]").HasAttribute("disabled"));
    }

    [Fact]
    public void AFileSystemWithoutItsMkfs_StartsFromOneTheUnitHas_AndSaysWhyNotWhenChosen()
    {
        Unit("unit-42", StorageKinds, ["mkfs.xfs"]);

        var cut = Form("unit-42", TaskKinds.StorageMkfs, new Dictionary<string, string> { ["fstype"] = "ext4", ["device"] = "/dev/sdb" });

        Assert.Equal("xfs", cut.Find("[data-testid=param-fstype]").GetAttribute("value"));
        cut.Find("[data-testid=param-fstype]").Change("ext4");
        Assert.Equal("unit-42 cannot run storage.mkfs: mkfs.ext4 is not installed there", cut.Find("[data-testid=param-fstype-error]").TextContent.Trim());
        Assert.True(cut.Find("[data-testid=form-submit]").HasAttribute("disabled"));
    }

    private IRenderedComponent<StoragePage> StoragePageOf(string unit)
    {
        Storage.Set(unit, StorageInventory.Contract.ReadResult("""
            {"disks": [{"name": "sdb", "path": "/dev/sdb", "type": "disk", "sizeBytes": 1073741824, "fsType": null, "mountPoints": [], "model": null, "children": []}],
             "loops": [], "partitionTables": [], "fileSystems": [], "arrays": [], "mdAvailable": true}
            """)!);
        var cut = Render<StoragePage>(p => p.Add(x => x.UnitId, unit));
        cut.WaitForElement("[data-testid=disk-sdb]", Timeout);
        return cut;
    }

    [Fact]
    public void TheStoragePage_DisablesBuildArray_SayingMdadmIsMissing()
    {
        Unit("unit-42", StorageKinds, ["sfdisk", "wipefs", "mkfs.ext4", "mount"]);

        var cut = StoragePageOf("unit-42");

        Assert.True(cut.Find("[data-testid=action-raid]").HasAttribute("disabled"));
        Assert.Equal(NoMdadm, cut.Find("[data-testid=action-raid-unable]").TextContent.Trim());
        Assert.Equal(NoMdadm, cut.Find("[data-testid=action-raid]").ParentElement!.GetAttribute("title"));
        // What it can run stays offered, with no reason shown.
        Assert.Empty(cut.FindAll("[data-testid=action-partition-unable]"));
        cut.Find("[data-testid=select-disk-sdb]").Click();
        Assert.False(cut.Find("[data-testid=action-partition]").HasAttribute("disabled"));
    }

    [Fact]
    public void TheStoragePage_OffersBuildArray_OnAUnitWithMdadm_AndOnOneThatAnnouncedNothing()
    {
        Unit("unit-43", StorageKinds, ["sfdisk", "wipefs", "mkfs.ext4", "mount", "mdadm"]);
        Tasks.UnitList.Add(Views.Unit("old-agent"));

        foreach (var unit in new[] { "unit-43", "old-agent" })
        {
            var cut = StoragePageOf(unit);
            Assert.False(cut.Find("[data-testid=action-raid]").HasAttribute("disabled"), unit);
            Assert.Empty(cut.FindAll("[data-testid$=-unable]"));
            cut.Find("[data-testid=action-raid]").Click();
            Assert.Equal(TaskKinds.StorageRaid, cut.Find("[data-testid=form-kind]").GetAttribute("value"));
        }
    }

    [Fact]
    public void TheNetworkCard_DisablesReading_OnAUnitWithoutIp_SayingWhy()
    {
        Unit("unit-42", [TaskKinds.NetInventory], []);
        Unit("unit-43", [TaskKinds.NetInventory], ["ip"]);

        var without = Render<Ccdsvm.Console.Blazor.Components.Network.NetworkCard>(p => p.Add(x => x.Unit, "unit-42"));
        var with = Render<Ccdsvm.Console.Blazor.Components.Network.NetworkCard>(p => p.Add(x => x.Unit, "unit-43"));

        Assert.True(without.Find("[data-testid=network-read]").HasAttribute("disabled"));
        Assert.Equal("Not read yet: unit-42 cannot run net.inventory: ip is not installed there.", without.Find("[data-testid=network-none]").TextContent.Trim());
        Assert.False(with.Find("[data-testid=network-read]").HasAttribute("disabled"));
        Assert.Equal("Not read yet: press Read network.", with.Find("[data-testid=network-none]").TextContent.Trim());
    }

    [Fact]
    public void TheUnitPage_SaysWhatTheUnitCannotRun_AndWhy()
    {
        Unit("unit-42", StorageKinds, ["sfdisk", "wipefs", "mkfs.ext4", "mount"]);
        Tasks.UnitList.Add(Views.Unit("old-agent"));

        var cut = Render<UnitPage>(p => p.Add(x => x.Id, "unit-42"));

        Assert.Contains("alpine 3.20 · arm64", cut.Find("[data-testid=unit-abilities-os]").TextContent);
        Assert.Contains("mkfs.ext4", cut.Find("[data-testid=unit-abilities-tools]").TextContent);
        Assert.Equal(NoMdadm, cut.Find("[data-testid='unit-cannot-storage.raid']").TextContent.Trim());
        Assert.Equal("unit-42 cannot run fs.list: its agent does not offer it there (alpine 3.20, arm64)",
            cut.Find("[data-testid='unit-cannot-fs.list']").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid='unit-cannot-storage.mkfs']"));
        Assert.Equal("/?run=unit-42", cut.Find("[data-testid=unit-run-task]").GetAttribute("href"));

        var old = Render<UnitPage>(p => p.Add(x => x.Id, "old-agent"));
        Assert.Single(old.FindAll("[data-testid=unit-abilities-none]"));
        Assert.Empty(old.FindAll("[data-testid^=unit-cannot-]"));
    }
}
