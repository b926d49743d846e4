using Bunit;
using Ccdsvm.Console.Blazor.Components.Units;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Console.Blazor.Tests.Units;

public sealed class DiskListTests : ConsoleTestContext
{
    private static DiskInfo Disk(string name, long size, string type = "disk", string? fs = null, string[]? mounts = null, DiskInfo[]? children = null) =>
        new(name, $"/dev/{name}", type, size, fs, mounts ?? [], Model: null, Serial: null, children ?? []);

    [Fact]
    public void NestedPartitions_AreListedUnderTheirDiskAndIndented()
    {
        var disks = new[]
        {
            Disk("sdb", 10_000_000_000, children: [Disk("sdb1", 1_000_000_000, "part", "ext4", ["/srv/data", "/mnt/x"])]),
            Disk("loop0", 104_857_600, "loop"),
        };

        var cut = Render<DiskList>(p => p.Add(x => x.Disks, disks));

        var rows = cut.FindAll("[data-testid=disk-list] tbody tr");
        Assert.Equal(["/dev/sdb", "/dev/sdb1", "/dev/loop0"], rows.Select(r => r.Children[0].TextContent));
        Assert.Equal("padding-left:20px", rows[1].Children[0].GetAttribute("style"));
        Assert.Equal("ext4", rows[1].Children[3].TextContent);
        Assert.Equal("/srv/data, /mnt/x", rows[1].Children[4].TextContent);
        Assert.Equal("105 MB (100 MiB)", rows[2].Children[2].TextContent);
    }
}
