using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>Files and moves through the CLI, and the station's refusals as exit codes.</summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task FilesPutGetAndMove_RoundTripByteForByte_WithTheSameSha256()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string local = home.File("payload.bin");
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await File.WriteAllBytesAsync(local, bytes);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string dir = Path.Combine(Station.StationRoot, "cli-files-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);

        var put = await cli.RunAsync("files", "put", local, $"station:{dir}/", "-o", "json");
        Assert.True(put.ExitCode == 0, put.ToString());
        using (var doc = JsonDocument.Parse(put.Stdout))
        {
            Assert.Equal(sha, doc.RootElement.GetProperty("sha256").GetString(), ignoreCase: true);
            Assert.Equal(bytes.Length, doc.RootElement.GetProperty("size").GetInt64());
        }
        string onUnit = Path.Combine(dir, "payload.bin");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(onUnit));

        // Again without --overwrite: refused by the unit (5), and the message says how to replace it.
        var again = await cli.RunAsync("files", "put", local, $"station:{onUnit}");
        Assert.True(again.ExitCode == 5, again.ToString());
        Assert.Contains("--overwrite", again.Stderr, StringComparison.Ordinal);

        var ls = await cli.RunAsync("files", "ls", $"station:{dir}");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Matches(@"(?m)^payload\.bin\s+file\s+3145745\s", ls.Stdout);

        string back = home.File("back.bin");
        var get = await cli.RunAsync("files", "get", $"station:{onUnit}", back, "-o", "json");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(back));
        using (var doc = JsonDocument.Parse(get.Stdout)) Assert.Equal(sha, doc.RootElement.GetProperty("sha256").GetString());

        // A move into a directory (trailing /) keeps the name, verifies the SHA-256 and removes the source.
        string target = Directory.CreateDirectory(Path.Combine(dir, "moved")).FullName;
        var move = await cli.RunAsync("move", $"station:{onUnit}", $"station:{target}/", "--mode", "move", "-o", "json");
        Assert.True(move.ExitCode == 0, move.ToString());
        using (var doc = JsonDocument.Parse(move.Stdout))
        {
            var task = Assert.Single(doc.RootElement.EnumerateArray());
            Assert.Equal("succeeded", task.GetProperty("state").GetString());
            Assert.Equal(TaskKinds.DataMove, task.GetProperty("kind").GetString());
            var result = task.GetProperty("result");
            Assert.True(result.GetProperty("verified").GetBoolean());
            Assert.Equal(sha, result.GetProperty("sha256").GetString(), ignoreCase: true);
        }
        Assert.False(File.Exists(onUnit), "a move must remove the source");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(target, "payload.bin")));
    }

    [Fact]
    public async Task TaskRun_WhenTheTaskListIsFull_Exit5_WithTheStationsWords()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        var held = new List<long>();
        try
        {
            for (int i = 0; i < CliStationFixture.MaxTasks; i++)
                held.Add(await fixture.Admin.StartAsync(TaskKinds.MaintenanceHold, "station", new { resource = $"disks/full-{i}", seconds = 120, reason = "filling the list" }));
            var run = await cli.RunAsync("task", "run", "maintenance.hold", "-t", "station", "-p", "resource=disks/one-more", "-p", "seconds=1");
            Assert.True(run.ExitCode == 5, run.ToString());
            Assert.Contains($"task list is full: {CliStationFixture.MaxTasks} of {CliStationFixture.MaxTasks} slots in use", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            // Leave the list empty for the other tests: cancel what was held, through the CLI, and wait for the ends.
            if (held.Count > 0)
            {
                string[] ids = [.. held.Select(h => h.ToString(CultureInfo.InvariantCulture))];
                var cancel = await cli.RunAsync(["task", "cancel", .. ids]);
                Assert.True(cancel.ExitCode == 0, cancel.ToString());
                var wait = await cli.RunAsync(["task", "wait", .. ids, "-o", "json"]);
                Assert.True(wait.ExitCode == 1, wait.ToString());
                using var doc = JsonDocument.Parse(wait.Stdout);
                Assert.All(doc.RootElement.EnumerateArray(), t => Assert.Equal("cancelled", t.GetProperty("state").GetString()));
            }
        }
    }
}
