using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Faults;

/// <summary>
/// A unit's agent killed (SIGKILL) in the middle of a data.move onto it, an fs.copy of a tree or a storage.mkfs: nothing appears
/// under the final name, the task ends Interrupted with the reason once the grace period is over, its locks go, and
/// the same task started again after the agent is back resumes the move from what had arrived and ends verified, or
/// clears what the interrupted copy left and completes it.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class AgentKilledTests(ITestOutputHelper output)
{
    private const int Grace = 10;

    [Fact]
    public async Task Destination_agent_killed_mid_move_the_task_is_interrupted_nothing_is_under_the_final_name_and_the_move_again_resumes_and_verifies()
    {
        await using var station = new CrashableStation(graceSeconds: Grace);
        try
        {
            using var api = await station.StartAsync();
            string rootA = await station.StartAgentAsync(api, "a");
            string rootB = await station.StartAgentAsync(api, "b");
            string source = Path.Combine(rootA, "data.bin");
            string destination = Path.Combine(rootB, "data.bin");
            // Larger than one checkpoint (the partial file's sidecar is written every 256 MiB), so there is something to resume.
            MoveFiles.CreateRandom(source, 320L * 1024 * 1024);
            string sha = MoveFiles.Sha256(source);
            var move = new
            {
                source = new { unit = "a", path = source },
                destination = new { unit = "b", path = destination },
                mode = "copy",
                bandwidthMiBps = 48,
            };

            long first = await api.StartAsync("data.move", "b", move);
            await WaitForProgressAsync(api, first, 0.05);
            // Killed once the first checkpoint is on disk, before the end.
            await WaitForFileAsync(PartialSidecar(destination));
            station.KillAgent("b");
            Assert.False(File.Exists(destination), "the final name exists while the move was only part way");

            var interrupted = await api.WaitForStateAsync(first, TimeSpan.FromSeconds(Grace * 4), "interrupted");
            output.WriteLine(interrupted.ToString());
            Assert.Contains("unreachable", interrupted.GetProperty("error").GetString());
            Assert.False(File.Exists(destination), "an interrupted move left a file under the final name");
            var locks = (await api.GetAsync("/api/v1/locks")).Body;
            Assert.DoesNotContain(locks.GetProperty("held").EnumerateArray(), l => l.GetProperty("taskId").GetInt64() == first);

            // The agent comes back; the same move again picks up what had arrived and verifies the whole file.
            await station.RestartAgentAsync(api, "b");
            long again = await api.StartAsync("data.move", "b", move with { bandwidthMiBps = 1000 });
            var done = await api.WaitForStateAsync(again, Timeouts.BigChecksum);
            output.WriteLine(done.ToString());
            Assert.Equal("succeeded", done.GetProperty("state").GetString());
            var result = done.GetProperty("result");
            Assert.True(result.GetProperty("verified").GetBoolean());
            Assert.True(result.GetProperty("resumedAtBytes").GetInt64() >= 256L * 1024 * 1024, $"the second move did not resume from the checkpoint: {result}");
            Assert.False(File.Exists(PartialSidecar(destination)), "the partial file's sidecar was left behind");
            Assert.Equal(sha, MoveFiles.Sha256(destination));
            Assert.Equal(sha, MoveFiles.Sha256(source));
        }
        catch
        {
            output.WriteLine(station.Output);
            output.WriteLine("--- b\n" + station.AgentOutput("b"));
            throw;
        }
    }

    [Fact]
    public async Task Agent_killed_mid_tree_copy_nothing_is_under_the_final_name_the_task_is_interrupted_and_the_copy_again_clears_the_leftover_and_completes()
    {
        await using var station = new CrashableStation(graceSeconds: Grace);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var api = await station.StartAsync();
            string root = await station.StartAgentAsync(api, "c");
            string tree = Path.Combine(root, "tree");
            const int Dirs = 20, FilesPerDir = 500;
            for (int d = 0; d < Dirs; d++)
            {
                string dir = Directory.CreateDirectory(Path.Combine(tree, $"d{d:00}")).FullName;
                for (int f = 0; f < FilesPerDir; f++) await File.WriteAllTextAsync(Path.Combine(dir, $"f{f:000}.txt"), $"file {d}/{f}\n");
            }
            string to = Path.Combine(root, "tree-copy");
            string temp = Path.Combine(root, ".tree-copy.ccdsvm-copy");
            var copy = new { from = tree, to, recursive = true };

            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: station, agent and tree ready");
            long first = await api.StartAsync("fs.copy", "c", copy);
            var deadline = DateTime.UtcNow + Timeouts.ShortTask;
            while (!Directory.Exists(temp))
            {
                Assert.True(DateTime.UtcNow < deadline, "the copy never started writing");
                await Task.Delay(5);
            }
            station.KillAgent("c");
            Assert.False(Directory.Exists(to), "the tree appeared under its final name before the copy ended");

            var interrupted = await api.WaitForStateAsync(first, TimeSpan.FromSeconds(Grace * 4), "interrupted");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: interrupted: {interrupted}");
            Assert.Contains("unreachable", interrupted.GetProperty("error").GetString());
            Assert.False(Directory.Exists(to), "an interrupted copy left a tree under the final name");
            var locks = (await api.GetAsync("/api/v1/locks")).Body;
            Assert.DoesNotContain(locks.GetProperty("held").EnumerateArray(), l => l.GetProperty("taskId").GetInt64() == first);

            await station.RestartAgentAsync(api, "c");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: agent back");
            long again = await api.StartAsync("fs.copy", "c", copy);
            var done = await api.WaitForStateAsync(again, Timeouts.BigChecksum);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: copied again");
            Assert.True(done.GetProperty("state").GetString() == "succeeded", done.ToString());
            Assert.Equal(Dirs * FilesPerDir, done.GetProperty("result").GetProperty("files").GetInt32());
            Assert.False(Directory.Exists(temp), "the interrupted copy's leftover is still there");
            var copied = Directory.GetFiles(to, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(to, f)).Order().ToList();
            Assert.Equal(Directory.GetFiles(tree, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tree, f)).Order(), copied);
            Assert.All(copied, rel => Assert.Equal(File.ReadAllText(Path.Combine(tree, rel)), File.ReadAllText(Path.Combine(to, rel))));
        }
        catch
        {
            output.WriteLine(station.Output);
            output.WriteLine("--- c\n" + station.AgentOutput("c"));
            throw;
        }
    }

    [Fact]
    public async Task Agent_killed_mid_mkfs_the_task_is_interrupted_with_the_reason_its_disk_lock_goes_and_the_format_again_succeeds()
    {
        Needs.RootAndStorageTools("this test makes a loop device with losetup for the agent to format");
        using var images = new TempDir("mkfs-kill");
        string image = images.File("disk.img");
        // A large sparse disk: mkfs.btrfs needs a little longer on it (about 0.1 s here) and nothing is really written.
        await using (var f = File.Create(image)) f.SetLength(1L << 40);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        await using var station = new CrashableStation(graceSeconds: Grace);
        try
        {
            using var api = await station.StartAsync();
            var policy = new Dictionary<string, string> { ["Agent__Devices__0"] = "/dev/loop*" };
            await station.StartAgentAsync(api, "m", policy);

            // mkfs takes a fraction of a second: the agent (and mkfs with it) is killed the moment mkfs runs as its child.
            // A try whose mkfs ended before the kill could land does not count (the agent lives on); three tries are allowed.
            long interruptedId = 0;
            for (int attempt = 1; attempt <= 3 && interruptedId == 0; attempt++)
            {
                long id = await api.StartAsync("storage.mkfs", "m", new { device, fstype = "btrfs", force = true });
                bool caught = await KillWhenRunningAsync(station, "m", "mkfs.btrfs", device, id);
                var ended = await api.WaitForStateAsync(id, TimeSpan.FromSeconds(Grace * 4));
                output.WriteLine($"try {attempt}: caught mkfs running: {caught}; {ended}");
                if (caught && ended.GetProperty("state").GetString() == "interrupted") interruptedId = id;
                else Assert.Equal("succeeded", ended.GetProperty("state").GetString());
            }
            Assert.True(interruptedId != 0, "mkfs was never caught running in three tries");
            var task = await api.TaskAsync(interruptedId);
            Assert.Contains("unreachable", task.GetProperty("error").GetString());
            var locks = (await api.GetAsync("/api/v1/locks")).Body;
            Assert.DoesNotContain(locks.GetProperty("held").EnumerateArray(), l => l.GetProperty("taskId").GetInt64() == interruptedId);

            // The disk is free again: formatting it once more succeeds, and the host sees the new file system.
            await station.RestartAgentAsync(api, "m");
            long again = await api.StartAsync("storage.mkfs", "m", new { device, fstype = "xfs", force = true });
            var done = await api.WaitForStateAsync(again, Timeouts.BigChecksum);
            Assert.True(done.GetProperty("state").GetString() == "succeeded", done.ToString());
            Assert.Contains("TYPE=xfs\n", await HostTool.RunAsync("blkid", "-p", "-o", "export", device));
        }
        catch
        {
            output.WriteLine(station.Output);
            output.WriteLine("--- m\n" + station.AgentOutput("m"));
            throw;
        }
        finally
        {
            await HostLoops.DetachAsync(device, image);
        }
    }

    /// <summary>Watches the agent's child processes for <paramref name="tool"/> on <paramref name="device"/>; kills the agent (and it) when seen.</summary>
    private static async Task<bool> KillWhenRunningAsync(CrashableStation station, string unit, string tool, string device, long taskId)
    {
        int agent = station.AgentPid(unit);
        var deadline = DateTime.UtcNow + Timeouts.ShortTask;
        for (long scan = 0; DateTime.UtcNow < deadline; scan++)
        {
            foreach (int child in Children(agent))
            {
                string cmdline;
                try { cmdline = File.ReadAllText($"/proc/{child}/cmdline").Replace('\0', ' '); }
                catch (IOException) { continue; }
                if (cmdline.Contains(tool, StringComparison.Ordinal) && cmdline.Contains(device, StringComparison.Ordinal))
                {
                    station.KillAgent(unit);
                    return true;
                }
            }
            // The agent logs "Task N ended: …": a task that ended before it was caught is a missed try.
            if (scan % 64 == 0)
            {
                if (station.AgentOutput(unit).Contains($"Task {taskId} ended", StringComparison.Ordinal)) return false;
                await Task.Yield();
            }
        }
        return false;
    }

    private static IEnumerable<int> Children(int pid)
    {
        IEnumerable<string> threads;
        try { threads = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (IOException) { yield break; }
        foreach (var thread in threads)
        {
            string children;
            try { children = File.ReadAllText(Path.Combine(thread, "children")); }
            catch (IOException) { continue; }
            foreach (var id in children.Split(' ', StringSplitOptions.RemoveEmptyEntries)) yield return int.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static string PartialSidecar(string destination) =>
        Path.Combine(Path.GetDirectoryName(destination)!, "." + Path.GetFileName(destination) + ".ccdsvm-part.json");

    private static async Task WaitForFileAsync(string path)
    {
        var deadline = DateTime.UtcNow + Timeouts.ShortTask;
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not appear in time");
            await Task.Delay(20);
        }
    }

    private static async Task WaitForProgressAsync(ApiClient api, long id, double atLeast)
    {
        var deadline = DateTime.UtcNow + Timeouts.ShortTask;
        while (true)
        {
            var task = await api.TaskAsync(id);
            if (task.GetProperty("progress").GetDouble() >= atLeast) return;
            Assert.True(DateTime.UtcNow < deadline, $"task {id} did not reach {atLeast:P0} in time: {task}");
            Assert.DoesNotContain(task.GetProperty("state").GetString(), ApiClient.EndStates);
            await Task.Delay(100);
        }
    }
}
