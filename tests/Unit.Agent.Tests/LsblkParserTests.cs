using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Tests;

public class LsblkParserTests
{
    private const string Sample = """
        {
           "blockdevices": [
              {
                 "name": "sda", "path": "/dev/sda", "type": "disk", "size": 500107862016, "fstype": null,
                 "mountpoints": [ null ], "model": "Samsung SSD 860  ", "serial": " S3Z1NB0K ",
                 "children": [
                    { "name": "sda1", "path": "/dev/sda1", "type": "part", "size": 536870912, "fstype": "vfat",
                      "mountpoints": [ "/boot/efi" ], "model": null, "serial": null },
                    { "name": "sda2", "path": "/dev/sda2", "type": "part", "size": 499570991104, "fstype": "btrfs",
                      "mountpoints": [ "/home", null, "/" ], "model": null, "serial": null,
                      "children": [
                         { "name": "luks", "path": "/dev/mapper/luks", "type": "crypt", "size": "1024", "fstype": "xfs",
                           "mountpoints": [ "/srv" ] }
                      ] }
                 ]
              },
              { "name": "sr0", "type": "rom", "size": null, "mountpoint": "/media/cdrom" }
           ]
        }
        """;

    [Fact]
    public void Parse_SampleWithChildrenAndNullMountpoints_BuildsTree()
    {
        var disks = LsblkParser.Parse(Sample);

        Assert.Equal(2, disks.Count);
        var sda = disks[0];
        Assert.Equal(("sda", "/dev/sda", "disk", 500107862016L), (sda.Name, sda.Path, sda.Type, sda.SizeBytes));
        Assert.Null(sda.FsType);
        Assert.Empty(sda.MountPoints);
        Assert.Equal("Samsung SSD 860", sda.Model);
        Assert.Equal("S3Z1NB0K", sda.Serial);
        Assert.Equal(["sda1", "sda2"], sda.Children.Select(c => c.Name));

        var sda2 = sda.Children[1];
        Assert.Equal("btrfs", sda2.FsType);
        Assert.Equal(["/home", "/"], sda2.MountPoints);
        var luks = Assert.Single(sda2.Children);
        Assert.Equal(1024, luks.SizeBytes);
        Assert.Equal("/dev/mapper/luks", luks.Path);
        Assert.Equal(["/srv"], luks.MountPoints);
        Assert.Empty(luks.Children);
    }

    [Fact]
    public void Parse_OldLsblkWithSingleMountpointAndNoPath_FillsDefaults()
    {
        var sr0 = LsblkParser.Parse(Sample)[1];

        Assert.Equal("/dev/sr0", sr0.Path);
        Assert.Equal("rom", sr0.Type);
        Assert.Equal(0, sr0.SizeBytes);
        Assert.Equal(["/media/cdrom"], sr0.MountPoints);
        Assert.Null(sr0.Model);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"blockdevices": null}""")]
    [InlineData("""{"blockdevices": []}""")]
    public void Parse_NoDevices_ReturnsEmpty(string json)
    {
        Assert.Empty(LsblkParser.Parse(json));
    }

    [Fact]
    public void Parse_RealLsblkOutputOfThisMachine_MatchesLsblkItself()
    {
        // Other test assemblies attach and detach loop devices while this runs, so the JSON is taken between
        // two independent views and used only when both views and the JSON's own top-level names agree (read
        // with JsonDocument, not the parser under test; bounded retries).
        string json = "";
        Dictionary<string, long> plain = [];
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var before = PlainView();
            json = Run("lsblk", LsblkParser.Arguments);
            plain = PlainView();
            if (SameDevices(before, plain) && RawNames(json).SetEquals(plain.Keys))
                break;
            Thread.Sleep(100);
        }

        var disks = LsblkParser.Parse(json);

        Assert.NotEmpty(disks);
        Assert.Equal(plain.Keys.Order(), disks.Select(d => d.Name).Order());
        foreach (var d in disks)
        {
            Assert.Equal(plain[d.Name], d.SizeBytes);
            Assert.StartsWith("/dev/", d.Path);
            Assert.DoesNotContain(d.MountPoints, string.IsNullOrEmpty);
        }
        using var doc = JsonDocument.Parse(json);
        int raw = doc.RootElement.GetProperty("blockdevices").EnumerateArray().Sum(CountTree);
        Assert.Equal(raw, disks.Sum(CountTree));
    }

    private static int CountTree(JsonElement e) =>
        1 + (e.TryGetProperty("children", out var c) && c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().Sum(CountTree) : 0);

    private static int CountTree(Shared.Contracts.DiskInfo d) => 1 + d.Children.Sum(CountTree);

    private static bool SameDevices(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var size) && size == kv.Value);

    private static HashSet<string> RawNames(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("blockdevices").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToHashSet();
    }

    /// <summary>Independent view of the devices: plain lsblk, whole devices only, no headings.</summary>
    private static Dictionary<string, long> PlainView() =>
        Run("lsblk", ["-b", "-d", "-n", "-r", "-o", "NAME,SIZE"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    private static string Run(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(20)), $"{file} did not finish");
        Assert.Equal(0, p.ExitCode);
        return output;
    }
}
