using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// <c>ccdsvm storage</c> on a real loop device through a station of its own (Agent:Devices naming only that device and
/// its partitions), checked with the host's own tools; <c>metrics</c> and <c>processes</c> of the shared station.
/// </summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task Storage_PartitionMkfsMountUnmountAndVolumes_WithYes_OnAnAllowedLoopDevice_RefusedWithoutYesOrOutsideTheList()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("cli-storage");
        using var mountRoot = new TempDir("cli-storage-mnt");
        string image = images.File("disk.img"), otherImage = images.File("other.img");
        foreach (var f in new[] { image, otherImage })
            await using (var s = File.Create(f)) s.SetLength(64L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string other = "";
        string mountPoint = Path.Combine(mountRoot.Path, "data");
        string? volumeMount = null, volumeDevice = null, volumeImage = null;
        try
        {
            other = (await HostTool.RunAsync("losetup", "--find", "--show", otherImage)).Trim();
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string>
                {
                    ["Agent__Devices__0"] = device, ["Agent__Devices__1"] = device + "p*", ["Agent__MountRoot"] = mountRoot.Path,
                },
            });
            using (var admin = await station.AdminAsync()) await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            using var home = new TempDir("cli");
            var cli = new CliRunner(home.Path);
            var login = await cli.RunAsync(["login", "--url", station.BaseUrl.ToString(), "--fingerprint", station.Fingerprint, "--user", "admin", "--password-stdin"],
                stdin: station.AdminPassword + "\n");
            Assert.True(login.ExitCode == 0, login.ToString());

            // The disks as the unit reported them: the REST JSON lists the loop device, the table shows it too.
            string name = device["/dev/".Length..];
            var disks = await cli.RunAsync("storage", "disks", "station", "--refresh", "-o", "json");
            Assert.True(disks.ExitCode == 0, disks.ToString());
            using (var doc = JsonDocument.Parse(disks.Stdout))
            {
                Assert.Equal("station", doc.RootElement.GetProperty("unit").GetString());
                var disk = Assert.Single(doc.RootElement.GetProperty("storage").GetProperty("disks").EnumerateArray(), d => d.GetProperty("name").GetString() == name);
                Assert.Equal(64L << 20, disk.GetProperty("sizeBytes").GetInt64());
            }
            var table = await cli.RunAsync("storage", "disks", "station");
            Assert.True(table.ExitCode == 0, table.ToString());
            Assert.Matches(new Regex($@"(?m)^\s*{name}\s+loop\s+64\.0 MiB"), table.Stdout);

            // Without a terminal and without --yes, a destructive verb is refused before any request; the device is untouched.
            var unconfirmed = await cli.RunAsync("storage", "mkfs", "station", device, "--fstype", "ext4");
            Assert.True(unconfirmed.ExitCode == 2, unconfirmed.ToString());
            Assert.Contains("is destructive: add --yes to confirm", unconfirmed.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("TYPE=", await HostTool.RunAsync("blkid", ["-p", "-o", "export", device], check: false), StringComparison.Ordinal);
            var tasks = await cli.RunAsync("task", "list", "--kind", "storage.mkfs", "-o", "json");
            Assert.True(tasks.ExitCode == 0, tasks.ToString());
            using (var doc = JsonDocument.Parse(tasks.Stdout)) Assert.Empty(doc.RootElement.EnumerateArray());

            // partition → mkfs → mount → unmount with --yes, each checked on the host.
            var parted = await cli.RunAsync("storage", "partition", "station", device, "--table", "gpt", "--part", "16:linux:first", "--part", "rest", "--yes", "-o", "json");
            Assert.True(parted.ExitCode == 0, parted.ToString());
            string node, backing;
            using (var doc = JsonDocument.Parse(parted.Stdout))
            {
                var task = Assert.Single(doc.RootElement.EnumerateArray());
                Assert.Equal("succeeded", task.GetProperty("state").GetString());
                Assert.Equal("storage.partition", task.GetProperty("kind").GetString());
                var first = task.GetProperty("result").GetProperty("partitions")[0];
                node = first.GetProperty("node").GetString()!;
                backing = first.GetProperty("backingNode").GetString() ?? node;
            }
            Assert.Equal(device + "p1", node);
            using (var sfdisk = JsonDocument.Parse(await HostTool.RunAsync("sfdisk", "-J", device)))
            {
                var pt = sfdisk.RootElement.GetProperty("partitiontable");
                Assert.Equal("gpt", pt.GetProperty("label").GetString());
                Assert.Equal(2, pt.GetProperty("partitions").GetArrayLength());
                Assert.Equal("first", pt.GetProperty("partitions")[0].GetProperty("name").GetString());
            }

            var made = await cli.RunAsync("storage", "mkfs", "station", node, "--fstype", "ext4", "--label", "clidata", "--yes");
            Assert.True(made.ExitCode == 0, made.ToString());
            string probed = await HostTool.RunAsync("blkid", "-p", "-o", "export", backing);
            Assert.Contains("TYPE=ext4", probed, StringComparison.Ordinal);
            Assert.Contains("LABEL=clidata", probed, StringComparison.Ordinal);

            var mounted = await cli.RunAsync("storage", "mount", "station", node, mountPoint, "--options", "noatime", "-o", "json");
            Assert.True(mounted.ExitCode == 0, mounted.ToString());
            using (var findmnt = JsonDocument.Parse(await HostTool.RunAsync("findmnt", "-J", "-o", "TARGET,SOURCE,FSTYPE,OPTIONS", "--mountpoint", mountPoint)))
            {
                var fs = Assert.Single(findmnt.RootElement.GetProperty("filesystems").EnumerateArray());
                Assert.Equal("ext4", fs.GetProperty("fstype").GetString());
                Assert.Equal(backing, fs.GetProperty("source").GetString());
                Assert.Contains("noatime", fs.GetProperty("options").GetString(), StringComparison.Ordinal);
            }

            var unconfirmedUnmount = await cli.RunAsync("storage", "unmount", "station", mountPoint);
            Assert.True(unconfirmedUnmount.ExitCode == 2, unconfirmedUnmount.ToString());
            Assert.NotEqual("", (await HostTool.RunAsync("findmnt", ["-n", "--mountpoint", mountPoint], check: false)).Trim());
            var unmounted = await cli.RunAsync("storage", "unmount", "station", mountPoint, "--yes");
            Assert.True(unmounted.ExitCode == 0, unmounted.ToString());
            Assert.Equal("", (await HostTool.RunAsync("findmnt", ["-n", "--mountpoint", mountPoint], check: false)).Trim());

            // A user's volume: create, list, grow, then delete (refused without --yes, still mounted; gone with it).
            string volume = "cli" + Guid.NewGuid().ToString("N")[..6];
            var created = await cli.RunAsync("storage", "volumes", "create", "station", "--owner", "admin", "--name", volume, "--size-mib", "16", "--fstype", "ext4", "-o", "json");
            Assert.True(created.ExitCode == 0, created.ToString());
            using (var doc = JsonDocument.Parse(created.Stdout))
            {
                var result = Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("result");
                volumeMount = result.GetProperty("mountpoint").GetString()!;
                volumeDevice = result.GetProperty("device").GetString();
                volumeImage = result.GetProperty("image").GetString();
            }
            Assert.StartsWith(mountRoot.Path, volumeMount, StringComparison.Ordinal);
            Assert.Contains("ext4", await HostTool.RunAsync("findmnt", "-n", "-o", "FSTYPE", "--mountpoint", volumeMount), StringComparison.Ordinal);
            var listed = await cli.RunAsync("storage", "volumes", "list", "station", "--owner", "admin", "-o", "json");
            Assert.True(listed.ExitCode == 0, listed.ToString());
            using (var doc = JsonDocument.Parse(listed.Stdout))
            {
                var volumes = Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("result").GetProperty("volumes");
                Assert.Contains(volumes.EnumerateArray(), v => v.GetProperty("name").GetString() == volume && v.GetProperty("mountpoint").GetString() == volumeMount);
            }
            var grown = await cli.RunAsync("storage", "volumes", "resize", "station", "--owner", "admin", "--name", volume, "--size-mib", "24", "-o", "json");
            Assert.True(grown.ExitCode == 0, grown.ToString());
            using (var doc = JsonDocument.Parse(grown.Stdout))
                Assert.Equal(24, Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("result").GetProperty("sizeMiB").GetInt64());
            var keep = await cli.RunAsync("storage", "volumes", "delete", "station", "--owner", "admin", "--name", volume);
            Assert.True(keep.ExitCode == 2, keep.ToString());
            Assert.NotEqual("", (await HostTool.RunAsync("findmnt", ["-n", "--mountpoint", volumeMount], check: false)).Trim());
            var deleted = await cli.RunAsync("storage", "volumes", "delete", "station", "--owner", "admin", "--name", volume, "--yes");
            Assert.True(deleted.ExitCode == 0, deleted.ToString());
            Assert.Equal("", (await HostTool.RunAsync("findmnt", ["-n", "--mountpoint", volumeMount], check: false)).Trim());

            // A device the unit's list does not name: the unit refuses the task (exit 1, a failed task) in words, and it stays blank.
            var outside = await cli.RunAsync("storage", "mkfs", "station", other, "--fstype", "ext4", "--yes");
            Assert.True(outside.ExitCode == 1, outside.ToString());
            Assert.Contains($"does not allow the device '{other}'", outside.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("TYPE=", await HostTool.RunAsync("blkid", ["-p", "-o", "export", other], check: false), StringComparison.Ordinal);

            // Bad input is exit 2 before any request: a path outside /dev, a size that is no size, a unit that does not exist is 4.
            var notDev = await cli.RunAsync("storage", "mkfs", "station", "/etc/passwd", "--fstype", "ext4", "--yes");
            Assert.True(notDev.ExitCode == 2, notDev.ToString());
            Assert.Contains("must name something under /dev/", notDev.Stderr, StringComparison.Ordinal);
            var badPart = await cli.RunAsync("storage", "partition", "station", device, "--part", "lots", "--yes");
            Assert.True(badPart.ExitCode == 2, badPart.ToString());
            var noUnit = await cli.RunAsync("storage", "disks", "statoin");
            Assert.True(noUnit.ExitCode == 4, noUnit.ToString());
            Assert.Contains("station", noUnit.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await HostTool.RunAsync("umount", [mountPoint], check: false);
            if (volumeMount is not null) await HostTool.RunAsync("umount", [volumeMount], check: false);
            if (volumeDevice is not null && volumeImage is not null) await HostLoops.DetachIfBackedByAsync(volumeDevice, volumeImage);
            await DetachLoopsAsync(device, image);
            if (other.Length > 0) await HostLoops.DetachAsync(other, otherImage);
        }
    }

    [Fact]
    public async Task MetricsAndProcesses_OfTheStation_PrintRealFigures()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);

        var processes = await cli.RunAsync("processes", "station", "-o", "json");
        Assert.True(processes.ExitCode == 0, processes.ToString());
        using (var doc = JsonDocument.Parse(processes.Stdout))
        {
            var list = doc.RootElement.EnumerateArray().ToList();
            Assert.True(list.Count > 3, processes.Stdout);
            var station = Assert.Single(list, p => p.GetProperty("pid").GetInt32() == Station.ProcessId);
            Assert.True(station.GetProperty("rssBytes").GetInt64() > 0, station.ToString());
            Assert.True(station.GetProperty("threads").GetInt32() > 1, station.ToString());
            Assert.Equal(JsonValueKind.Number, station.GetProperty("cpuPercent").ValueKind);
            Assert.False(string.IsNullOrEmpty(station.GetProperty("command").GetString()));
        }
        var top = await cli.RunAsync("processes", "station", "--limit", "3");
        Assert.True(top.ExitCode == 0, top.ToString());
        // A long command line wraps onto lines that start with blanks; each process starts a line of its own.
        var rows = top.Stdout.Split('\n').Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0])).ToList();
        Assert.Matches(@"^PID\s+USER\s+CPU\s+RSS\s+THREADS\s+STATE\s+STARTED\s+COMMAND", rows[0]);
        Assert.Equal(4, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Matches(@"^\d+\s+\S+\s+\d+\.\d%\s+[\d.]+ (B|[KMGT]iB)\s+\d+\s", r));
        var sortedJson = await cli.RunAsync("processes", "station", "--limit", "5", "-o", "json");
        using (var doc = JsonDocument.Parse(sortedJson.Stdout))
        {
            var cpu = doc.RootElement.EnumerateArray().Select(p => p.GetProperty("cpuPercent").GetDouble()).ToList();
            Assert.Equal(5, cpu.Count);
            Assert.Equal(cpu.OrderByDescending(c => c), cpu);
        }

        // The history: a unit reports every 10 s, so a young station may have no point yet; wait for one (bounded).
        JsonElement last = default;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(40);
        while (true)
        {
            var metrics = await cli.RunAsync("metrics", "station", "-o", "json");
            Assert.True(metrics.ExitCode == 0, metrics.ToString());
            using var doc = JsonDocument.Parse(metrics.Stdout);
            Assert.Equal("station", doc.RootElement.GetProperty("unit").GetString());
            var points = doc.RootElement.GetProperty("points");
            if (points.GetArrayLength() > 0)
            {
                last = points[points.GetArrayLength() - 1].Clone();
                break;
            }
            Assert.True(DateTimeOffset.UtcNow < deadline, "no metrics point within 40 s: " + metrics);
            await Task.Delay(1000);
        }
        Assert.True(last.GetProperty("memTotalBytes").GetInt64() > 0, last.ToString());
        Assert.True(last.GetProperty("memUsedBytes").GetDouble() > 0, last.ToString());
        Assert.InRange(last.GetProperty("cpuPercent").GetDouble(), 0, 100);
        var figures = await cli.RunAsync("metrics", "station");
        Assert.True(figures.ExitCode == 0, figures.ToString());
        Assert.Matches(@"(?m)^\s*cpu\s+\d+\.\d%\s+\d+\.\d%\s+\d+\.\d%", figures.Stdout);
        Assert.Matches(@"(?m)^\s*memory used\s+[\d.]+ [KMGT]iB of [\d.]+ [KMGT]iB", figures.Stdout);

        // --live without a terminal: one plain timestamped line per reading; -o json one sample per line.
        var live = await cli.RunAsync(["metrics", "station", "--live", "--count", "2"], timeout: TimeSpan.FromSeconds(60));
        Assert.True(live.ExitCode == 0, live.ToString());
        var lines = live.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ cpu \d+\.\d%  memory [\d.]+ [KMGT]iB of ", l));
        Assert.DoesNotContain('\u001b', live.Stdout + live.Stderr);
        var liveJson = await cli.RunAsync(["metrics", "station", "--live", "--count", "1", "-o", "json"], timeout: TimeSpan.FromSeconds(60));
        Assert.True(liveJson.ExitCode == 0, liveJson.ToString());
        using (var sample = JsonDocument.Parse(liveJson.Stdout.Trim()))
        {
            Assert.True(sample.RootElement.GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0, liveJson.Stdout);
            Assert.True(sample.RootElement.GetProperty("processCount").GetInt32() > 0, liveJson.Stdout);
            Assert.Equal(JsonValueKind.Number, sample.RootElement.GetProperty("cpu").GetProperty("busyPercent").ValueKind);
        }

        var unknown = await cli.RunAsync("metrics", "no-such-unit");
        Assert.True(unknown.ExitCode == 4, unknown.ToString());
        var countWithoutLive = await cli.RunAsync("metrics", "station", "--count", "2");
        Assert.True(countWithoutLive.ExitCode == 2, countWithoutLive.ToString());
    }

    [Fact]
    public async Task StorageMetricsAndProcessesHelp_DescribesEveryArgumentAndOption_WithoutAStation()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        string[][] commands =
        [
            ["storage"], ["storage", "disks"], ["storage", "partition"], ["storage", "mkfs"], ["storage", "mount"], ["storage", "unmount"], ["storage", "raid"],
            ["storage", "volumes"], ["storage", "volumes", "list"], ["storage", "volumes", "create"], ["storage", "volumes", "resize"], ["storage", "volumes", "delete"],
            ["metrics"], ["processes"],
        ];
        foreach (var command in commands)
        {
            var help = await cli.RunAsync([.. command, "--help"]);
            Assert.True(help.ExitCode == 0, help.ToString());
            string section = "";
            foreach (var line in help.Stdout.Split('\n'))
            {
                if (line.Length > 0 && !char.IsWhiteSpace(line[0])) section = line.Trim();
                // "  <UNIT>  the unit …", "  --fstype <ext4|xfs|btrfs> (REQUIRED)  file system type …": a name, two spaces, words
                // (a wrapped description goes on in lines indented further, which are not checked).
                else if (section is "Arguments:" or "Options:" or "Commands:" && line.StartsWith("  ", StringComparison.Ordinal) && line.Length > 2 && line[2] != ' ')
                    Assert.Matches(@"^  \S.*?\S {2,}\S", line);
            }
        }
        var mkfs = await cli.RunAsync("storage", "mkfs", "--help");
        Assert.Contains("--fstype <btrfs|ext4|xfs> (REQUIRED)", mkfs.Stdout, StringComparison.Ordinal);
        Assert.Contains("confirm the destructive change without asking", mkfs.Stdout, StringComparison.Ordinal);
        var mount = await cli.RunAsync("storage", "mount", "--help");
        Assert.DoesNotContain("--yes", mount.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Detaches every loop device backed by the disk or its image (the agent's partition loops first), then the disk.</summary>
    private static async Task DetachLoopsAsync(string device, string image)
    {
        await HostLoops.DetachAsync(device, image);
    }
}
