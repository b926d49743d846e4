using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>
/// Every kind's result said for people: results are written with the kinds' own contracts (as the units write them),
/// rendered in words with sizes in both units and links to what was made, and the JSON stays behind "details".
/// </summary>
public sealed class ResultViewKindsTests : ConsoleTestContext
{
    private IRenderedComponent<ResultView> RenderResult(string kind, System.Text.Json.JsonElement result, string unit = "u1") =>
        Render<ResultView>(p => p.Add(x => x.Kind, kind).Add(x => x.Result, result).Add(x => x.Unit, unit));

    [Fact]
    public void Partition_ShowsTableWithSizesInBothUnits_LinkToStorage_AndJsonOnlyBehindDetails()
    {
        var result = StoragePartition.Contract.WriteResultElement(new StoragePartitionResult("/dev/sdb", "gpt",
        [
            new PartitionResult(1, "/dev/sdb1", null, 1048576, 2097152, "linux", "data"),
            new PartitionResult(2, "/dev/sdb2", null, 3145728, 1073741824, "swap", null),
        ]));

        var cut = RenderResult(TaskKinds.StoragePartition, result);

        Assert.Equal("New gpt table on /dev/sdb: 2 partitions of 1.08 GB (1 GiB)", cut.Find("[data-testid=result-headline]").TextContent);
        var rows = cut.FindAll("[data-testid=result-partitions] tbody tr");
        Assert.Equal("2.1 MB (2 MiB)", rows[0].Children[2].TextContent);
        Assert.Equal("1.07 GB (1 GiB)", rows[1].Children[2].TextContent);
        Assert.Equal("/units/u1/storage", cut.Find("[data-testid=result-link]").GetAttribute("href"));
        Assert.DoesNotContain("2097152", cut.Find("[data-testid=pane-result]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=result-json]"));

        cut.Find("[data-testid=result-details-toggle]").Click();
        Assert.Contains("\"size\": 2097152", cut.Find("[data-testid=result-json]").TextContent);
        Assert.Equal("true", cut.Find("[data-testid=result-details-toggle]").GetAttribute("aria-expanded"));

        cut.Find("[data-testid=result-details-toggle]").Click();
        Assert.Empty(cut.FindAll("[data-testid=result-json]"));
    }

    [Fact]
    public void Mount_LinksTheMountPointToFilesAndTheDiskToStorage()
    {
        var result = StorageMount.Contract.WriteResultElement(new StorageMountResult("/dev/sdb1", null, "/srv/new disk", "ext4", "defaults", true));

        var cut = RenderResult(TaskKinds.StorageMount, result);

        Assert.Equal("/dev/sdb1 mounted at /srv/new disk", cut.Find("[data-testid=result-headline]").TextContent);
        var links = cut.FindAll("[data-testid=result-link]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/units/u1/files?path=%2Fsrv%2Fnew%20disk", "/units/u1/storage"], links);
        Assert.Contains("yes (in /etc/fstab)", cut.Find("[data-testid=result-facts]").TextContent);
    }

    [Fact]
    public void Mkdir_OpensTheMadeFolderInFiles()
    {
        var cut = RenderResult(TaskKinds.FsMkdir, FsMkdir.Contract.WriteResultElement(new FsMkdirResult("/srv/data/new", true)));

        Assert.Equal("Folder /srv/data/new made", cut.Find("[data-testid=result-headline]").TextContent);
        Assert.Equal("/units/u1/files?path=%2Fsrv%2Fdata%2Fnew", cut.Find("[data-testid=result-link]").GetAttribute("href"));
    }

    [Fact]
    public void DataMove_SaysSizeBothUnits_DurationAndSpeed()
    {
        var result = DataMove.Contract.WriteResultElement(new DataMoveResult("u2:/srv/a", "u1:/srv/b", DataMoveMode.Copy, "directory",
            5L << 30, 12, null, true, 0, TransferRoute.Direct, 125, 40.96));

        var cut = RenderResult(TaskKinds.DataMove, result);

        var text = cut.Find("[data-testid=pane-result]").TextContent;
        Assert.Equal("Copied 5.37 GB (5 GiB) to u1:/srv/b", cut.Find("[data-testid=result-headline]").TextContent);
        Assert.Contains("5.37 GB (5 GiB) in 12 files", text);
        Assert.Contains("2 min 5 s at 42.9 MB/s", text);
        Assert.Contains("directly between the units", text);
        Assert.Equal("/units/u1/files?path=%2Fsrv%2Fb", cut.Find("[data-testid=result-link]").GetAttribute("href"));
    }

    [Fact]
    public void MaintenanceHold_SaysWhatWasHeldForHowLongAndWhy()
    {
        var cut = RenderResult(TaskKinds.MaintenanceHold, MaintenanceHold.Contract.WriteResultElement(new MaintenanceHoldResult("disks/sdb", 90, "replacing disk")));

        Assert.Equal("Held disks/sdb for 1 min 30 s", cut.Find("[data-testid=result-headline]").TextContent);
        Assert.Contains("replacing disk", cut.Find("[data-testid=result-facts]").TextContent);
    }

    /// <summary>One result per kind that has a result record, as its contract writes it: each is said in words, none as bare JSON.</summary>
    public static TheoryData<string, object> EveryKind() => new()
    {
        { TaskKinds.StorageMkfs, new StorageMkfsResult("/dev/sdb1", null, "xfs", "data", "1234-abcd") },
        { TaskKinds.StorageUnmount, new StorageUnmountResult("/srv/old", "/dev/sdc1", "ext4", true) },
        { TaskKinds.StorageRaid, new StorageRaidResult("btrfs", "raid1", "pool", null, "/dev/loop3", ["/dev/loop3", "/dev/loop4"]) },
        { TaskKinds.StorageVolumeCreate, new StorageVolumeCreateResult("alice", "scratch", "ext4", 512, "/var/lib/vol/alice-scratch.img", "/dev/loop9", "/srv/volumes/alice/scratch") },
        { TaskKinds.StorageVolumeResize, new StorageVolumeResizeResult("alice", "scratch", 1024, 512, 1000000000, 900000000) },
        { TaskKinds.StorageVolumeDelete, new StorageVolumeDeleteResult("alice", "scratch", "/dev/loop9", true) },
        { TaskKinds.StorageVolumeList, new StorageVolumeListResult([new VolumeListing("alice", "scratch", "ext4", 512, Views.Created, "/dev/loop9", "/srv/v", 536870912, 1000)]) },
        { TaskKinds.FilesDownload, new FilesTransferResult("/srv/a.bin", 4096, 200) },
        { TaskKinds.FilesUpload, new FilesTransferResult("/srv/b.bin", 4096, 201) },
        { TaskKinds.FsCopy, new FsCopyResult("/srv/a", "/srv/b", 3000, 2) },
        { TaskKinds.FsRename, new FsRenameResult("/srv/a", "/srv/c") },
        { TaskKinds.FsDelete, new FsDeleteResult("/srv/c", FsEntryType.Directory) },
        { TaskKinds.FsWrite, new FsWriteResult("/srv/notes.txt", 12) },
        { TaskKinds.FsChmod, new FsChmodResult("/srv/notes.txt", "0640") },
        { TaskKinds.FsChown, new FsChownResult("/srv/notes.txt", "alice", "staff") },
        { TaskKinds.FsChecksum, new FsChecksumResult("/srv/a.bin", new string('a', 64), 1048576) },
        { TaskKinds.FsStat, new FsStatResult("/srv/a.bin", FsEntryType.File, 1048576, "0644", Views.Created.UtcDateTime, Views.Created.UtcDateTime) },
        { TaskKinds.FsList, new FsListResult("/srv", []) },
        { ProcessTaskKinds.Signal, new ProcessSignalResult(4242, "TERM", "rsync") },
        {
            TaskKinds.NetInventory, new NetInventoryResult(
                [new NetInterface("eth0", "up", "52:54:00:12:34:56", 1500, null, null, null, null, null, 1000, [new NetAddress("inet", "10.0.0.5", 24, "global")])],
                [new NetRoute("inet", "default", "10.0.0.1", "eth0", null, null)], ["10.0.0.53"], "runtime")
        },
        { ProcessTaskKinds.Renice, new ProcessReniceResult(4242, 10, "rsync") },
        {
            TaskKinds.NetConfigure, new NetConfigureResult(["v0: mtu 1500 → 1400"], "confirmed by the station 3.0 s after the change", "runtime", false,
                "runtime only: the change lasts until the unit reboots", ["ip link set v0 mtu 1400"])
        },
        { TaskKinds.SystemTerminal, new SystemTerminalResult(0, TerminalEndings.Exited, "ops", 42.5) },
        { TaskKinds.AuthUser, new AuthUserResult(AuthUserAction.Create, "carol", Groups: ["staff"], Admin: false) },
        { TaskKinds.AuthGrant, new AuthGrantResult(AuthGrantAction.Grant, "/units/u1", "carol", "Operator", 1) },
        { TaskKinds.AuthEnrol, new AuthEnrolResult(AuthEnrolAction.Revoke, Unit: "u3", RevokedAt: Views.Created, RevokedBy: "admin", ConnectionsClosed: 1) },
    };

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void EveryKindWithAResult_IsSaidInWords_WithJsonBehindDetails(string kind, object typed)
    {
        Assert.True(KindContracts.TryGet(kind, out var contract));
        Assert.Equal(contract.ResultType, typed.GetType());
        var result = System.Text.Json.JsonSerializer.SerializeToElement(typed, contract.ResultType, KindJson.ResultOptions);

        var cut = RenderResult(kind, result);

        Assert.False(string.IsNullOrWhiteSpace(cut.Find("[data-testid=result-headline]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=result-json]"));
        cut.Find("[data-testid=result-details-toggle]").Click();
        Assert.Single(cut.FindAll("[data-testid=result-json]"));
    }

    [Fact]
    public void NetworkInventory_SaysEachInterfaceWithItsAddressesAndTheDefaultRoute()
    {
        var result = NetInventory.Contract.WriteResultElement(new NetInventoryResult(
        [
            new NetInterface("lo", "unknown", "00:00:00:00:00:00", 65536, null, null, null, null, null, null, [new NetAddress("inet", "127.0.0.1", 8, "host")]),
            new NetInterface("v1", "down", "aa:bb:cc:dd:ee:01", 1400, "veth", "br0", null, null, null, null, []),
        ], [new NetRoute("inet", "default", "10.0.0.1", "eth0", "static", 100)], [], "runtime"));

        var cut = RenderResult(TaskKinds.NetInventory, result);

        Assert.Equal("2 interfaces, 1 up; 1 route", cut.Find("[data-testid=result-headline]").TextContent);
        string facts = cut.Find("[data-testid=result-facts]").TextContent;
        Assert.Contains("127.0.0.1/8", facts);
        Assert.Contains("down · veth · port of br0 · MTU 1400", facts);
        Assert.Contains("via 10.0.0.1 on eth0", facts);
        Assert.Contains("nothing (runtime only)", facts);
    }

    [Fact]
    public void EveryKindWithAResultRecord_IsCoveredAbove()
    {
        var covered = EveryKind().Select(row => (string)row[0])
            .Concat([TaskKinds.StoragePartition, TaskKinds.StorageMount, TaskKinds.FsMkdir, TaskKinds.DataMove, TaskKinds.MaintenanceHold, TaskKinds.StorageInventory]);
        Assert.Empty(KindContracts.All.Select(c => c.Kind).Except(covered));
    }

    [Fact]
    public void ResultThatDoesNotFitItsKind_IsShownAsJsonAsItCame()
    {
        var cut = RenderResult(TaskKinds.StorageMkfs, Views.Json("""{"device":"/dev/sdb"}"""));

        Assert.Empty(cut.FindAll("[data-testid=result-headline]"));
        Assert.Contains("\"device\": \"/dev/sdb\"", cut.Find("[data-testid=result-json]").TextContent);
    }

    [Theory]
    [InlineData(0.4, "0.4 s")]
    [InlineData(59, "59 s")]
    [InlineData(125, "2 min 5 s")]
    [InlineData(7800, "2 h 10 min")]
    public void Durations_AreSaidAsPeopleSayThem(double seconds, string words) => Assert.Equal(words, Durations.Length(seconds));
}
