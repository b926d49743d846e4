using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>Every record the hub carries survives the MessagePack protocol unchanged, nested lists included.</summary>
public class MessagePackRoundTripTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.FromHours(2));

    private static T RoundTrip<T>(T value)
    {
        byte[] bytes = MessagePackSerializer.Serialize(value);
        Assert.NotEmpty(bytes);
        return MessagePackSerializer.Deserialize<T>(bytes);
    }

    internal static UnitInventory SampleInventory() => new(
        "unit-a", "Unit A", "host-a", "Debian GNU/Linux 12", "6.1.0", 8, 16L * 1024 * 1024 * 1024,
        [
            new DiskInfo("sda", "/dev/sda", "disk", 500_107_862_016, null, [], "Samsung SSD", "S1234", [
                new DiskInfo("sda1", "/dev/sda1", "part", 536_870_912, "vfat", ["/boot/efi"], null, null, []),
                new DiskInfo("sda2", "/dev/sda2", "part", 499_570_991_104, "ext4", ["/", "/var/lib/snap"], null, null, []),
            ]),
            new DiskInfo("loop0", "/dev/loop0", "loop", 4096, null, [], null, null, [
                new DiskInfo("loop0p1", "/dev/loop0p1", "part", 2048, "ext4", [], null, null, [], "/dev/loop5"),
            ]),
        ],
        [
            new NetworkInterfaceInfo("lo", null, ["127.0.0.1", "::1"], true),
            new NetworkInterfaceInfo("eth0", "0242AC110002", ["172.17.0.2"], false),
        ],
        ["/srv/data", "/srv/scratch"],
        "1.2.3+abc",
        null);

    [Fact]
    public void UnitInventory_WithNestedDisksAndInterfaces_RoundTripsUnchanged()
    {
        var original = SampleInventory();
        var copy = RoundTrip(original);

        Assert.Equivalent(original, copy, strict: true);
        Assert.Equal("sda2", copy.Disks[0].Children[1].Name);
        Assert.Equal(["/", "/var/lib/snap"], copy.Disks[0].Children[1].MountPoints);
        Assert.Null(copy.Parent);
        Assert.Null(copy.Interfaces[0].Mac);
    }

    [Fact]
    public void UnitInventory_WithParent_KeepsParent()
    {
        var original = SampleInventory() with { Parent = "station", Disks = [], Interfaces = [] };
        var copy = RoundTrip(original);

        Assert.Equal("station", copy.Parent);
        Assert.Empty(copy.Disks);
        Assert.Empty(copy.Interfaces);
    }

    [Fact]
    public void DiskInfo_ThreeLevelsDeep_RoundTripsUnchanged()
    {
        var original = new DiskInfo("sdb", "/dev/sdb", "disk", 1000, null, [], "M", "S", [
            new DiskInfo("sdb1", "/dev/sdb1", "part", 900, "crypto_LUKS", [], null, null, [
                new DiskInfo("luks-x", "/dev/mapper/luks-x", "crypt", 880, "xfs", ["/mnt/x"], null, null, []),
            ]),
        ]);
        var copy = RoundTrip(original);

        Assert.Equivalent(original, copy, strict: true);
        Assert.Equal("/mnt/x", copy.Children[0].Children[0].MountPoints.Single());
    }

    [Fact]
    public void NetworkInterfaceInfo_RoundTripsUnchanged()
    {
        var original = new NetworkInterfaceInfo("wlan0", "A0B1C2D3E4F5", ["192.168.1.7", "fe80::1"], true);
        Assert.Equivalent(original, RoundTrip(original), strict: true);
    }

    [Fact]
    public void TaskOrder_RoundTripsUnchanged()
    {
        var ticket = new SignedTicket([1, 2, 3], [4, 5, 6, 7]);
        var original = new TaskOrder(42, TaskKinds.FsChecksum, """{"path":"/srv/data/ä ö.bin"}""", "alice", At, ticket);
        var copy = RoundTrip(original);

        Assert.Equal(original with { Ticket = null }, copy with { Ticket = null });
        Assert.Equal(ticket.Payload, copy.Ticket!.Payload);
        Assert.Equal(ticket.Signature, copy.Ticket.Signature);
        Assert.Equal(At.Offset, copy.IssuedAt.Offset);
    }

    [Fact]
    public void TaskProgress_WithLogLines_RoundTripsUnchanged()
    {
        var original = new TaskProgress(7, 12, 0.625, "hashing: 40 of 64 MiB", 1, 2, ["09:26:53 first", "09:26:54 second"], At);
        var copy = RoundTrip(original);

        Assert.Equivalent(original, copy, strict: true);
        Assert.Equal(["09:26:53 first", "09:26:54 second"], copy.LogLines);
    }

    [Fact]
    public void TaskProgress_WithNullStageAndNoLines_RoundTripsUnchanged()
    {
        var original = new TaskProgress(7, 1, 0, null, 0, 1, [], At);
        var copy = RoundTrip(original);

        Assert.Null(copy.Stage);
        Assert.Empty(copy.LogLines);
        Assert.Equivalent(original, copy, strict: true);
    }

    [Fact]
    public void TaskStageDone_RoundTripsUnchanged()
    {
        var original = new TaskStageDone(9, 2, At);
        Assert.Equal(original, RoundTrip(original));
    }

    [Fact]
    public void TaskStarted_RoundTripsUnchanged()
    {
        var original = new TaskStarted(9, true, At);
        Assert.Equal(original, RoundTrip(original));
    }

    [Theory]
    [InlineData(TaskOutcome.Succeeded, """{"sha256":"00"}""", null)]
    [InlineData(TaskOutcome.Failed, null, "path '/x' is outside this unit's roots")]
    [InlineData(TaskOutcome.Cancelled, null, "cancelled")]
    public void TaskResult_EachOutcome_RoundTripsUnchanged(TaskOutcome outcome, string? resultJson, string? error)
    {
        var original = new TaskResult(3, outcome, resultJson, error, At);
        Assert.Equal(original, RoundTrip(original));
    }

    [Fact]
    public void RunningTaskInfo_ListOfThem_RoundTripsUnchanged()
    {
        IReadOnlyList<RunningTaskInfo> original =
        [
            new RunningTaskInfo(1, TaskKinds.MaintenanceHold, 0.5, "holding disks/sdb: 30 s left"),
            new RunningTaskInfo(2, TaskKinds.FsChecksum, 0, null),
        ];
        var copy = RoundTrip(original);

        Assert.Equal(original, copy);
    }
}
