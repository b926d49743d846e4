using Ccdsvm.Console.Blazor.Services.Uplink;
using Ccdsvm.Shared.Contracts;
using MessagePack;

namespace Ccdsvm.Console.Blazor.Tests.Uplink;

/// <summary>
/// A mid station's subtree goes up in updates the upper station's hub accepts (1 MiB per message by default): with
/// 5,000 units of a few disks each, every update stays under that and under the unit count limit, and every unit goes
/// up once, in order.
/// </summary>
public sealed class SubtreeChunksTests
{
    private const int HubLimitBytes = 1024 * 1024;

    private static SubtreeUnit Unit(int i, int disks)
    {
        var list = Enumerable.Range(0, disks).Select(d => new DiskInfo($"sd{(char)('a' + d)}", $"/dev/sd{(char)('a' + d)}", "disk", 4_000_000_000_000, null, [],
            "WDC WD40EFRX-68N32N0", $"SN{i:D6}{d}",
            [new DiskInfo($"sd{(char)('a' + d)}1", $"/dev/sd{(char)('a' + d)}1", "part", 4_000_000_000_000, "xfs", [$"/srv/data{d}"], null, null, [])])).ToList();
        var inventory = new UnitInventory($"lbm1-{i:D5}", $"lbm1-{i:D5}", $"host-{i:D5}.lab.example", "Ubuntu 24.04.1 LTS", "6.8.0-49-generic", 16,
            64L << 30, list, [new NetworkInterfaceInfo("lo", null, ["127.0.0.1", "::1"], true),
                new NetworkInterfaceInfo("eth0", "52:54:00:12:34:56", ["10.1.2.3/16", "fe80::5054:ff:fe12:3456/64"], true)],
            ["/srv/data"], "1.0.0", "mid-1",
            Capabilities: new UnitCapabilities("ubuntu", "24.04", "x64", [TaskKinds.FsChecksum, TaskKinds.MaintenanceHold], ["sfdisk", "wipefs", "mkfs.xfs", "rsync"]));
        return new SubtreeUnit(inventory, "online", ["rack-a", "lab"]);
    }

    [Fact]
    public void FiveThousandUnitsGoUpInUpdatesUnderTheHubLimit()
    {
        var units = Enumerable.Range(0, 5000).Select(i => Unit(i, 1 + i % 4)).ToList();
        // The old split, by count only: one update of 2,000 such units is over the hub's limit (what the bench ran into).
        Assert.True(MessagePackSerializer.Serialize(new SubtreeUpdate(true, units.Take(SubtreeUpdate.MaxUnits).ToList(), [])).Length > HubLimitBytes);

        var chunks = SubtreeChunks.Split(units).ToList();

        Assert.All(chunks, c => Assert.InRange(c.Length, 1, SubtreeUpdate.MaxUnits));
        Assert.All(chunks, c => Assert.True(MessagePackSerializer.Serialize(new SubtreeUpdate(false, c, [])).Length <= HubLimitBytes));
        Assert.Equal(units.Select(u => u.Inventory.Id), chunks.SelectMany(c => c).Select(u => u.Inventory.Id));
    }

    [Fact]
    public void AUnitLargerThanTheBudgetGoesAloneAndNothingIsLost()
    {
        var units = new[] { Unit(1, 1), Unit(2, 20), Unit(3, 1) };

        var chunks = SubtreeChunks.Split(units, maxBytes: MessagePackSerializer.Serialize(units[0]).Length + 10).ToList();

        Assert.Equal(["lbm1-00001", "lbm1-00002", "lbm1-00003"], chunks.Select(c => Assert.Single(c).Inventory.Id));
    }
}
