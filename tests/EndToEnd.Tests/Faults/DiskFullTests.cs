using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Faults;

/// <summary>
/// Full disks, on real small file systems: the destination of a move (a clear failure, the source intact, nothing
/// under the final name) and the station's own store (new tasks refused with 503 and a message while reads go on,
/// the station up, and back by itself once space is freed).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_move_onto_a_full_destination_fails_clearly_keeps_the_source_and_leaves_nothing_under_the_final_name()
    {
        await using var station = await StationProcess.StartAsync();
        AgentProcess? a = null, b = null;
        try
        {
            a = await station.StartAgentAsync("a");
            b = await station.StartAgentAsync("b");
            await using var small = await SmallFileSystem.MountAtAsync(8, Path.Combine(b.Root, "small"));
            using var admin = await station.AdminAsync();
            string source = Path.Combine(a.Root, "big.bin");
            await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(20 * 1024 * 1024));
            string before = MoveFiles.Sha256(source);
            string destination = Path.Combine(small.Path, "big.bin");

            long id = await admin.StartAsync("data.move", "b", new
            {
                source = new { unit = "a", path = source },
                destination = new { unit = "b", path = destination },
                mode = "move",
            });
            var task = await admin.WaitForStateAsync(id, Timeouts.ShortTask);

            output.WriteLine(task.ToString());
            Assert.Equal("failed", task.GetProperty("state").GetString());
            Assert.Contains("no space left", task.GetProperty("error").GetString()!, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(before, MoveFiles.Sha256(source));
            Assert.False(File.Exists(destination), "a partial file appeared under the final name");
            Assert.Empty(Directory.EnumerateFileSystemEntries(small.Path));  // no partial temp file left to fill the disk
            Assert.Empty(task.GetProperty("heldLocks").EnumerateArray());
        }
        catch
        {
            output.WriteLine(station.Output);
            if (b is not null) output.WriteLine($"--- b\n{b.Output}");
            throw;
        }
        finally
        {
            if (a is not null) await a.DisposeAsync();
            if (b is not null) await b.DisposeAsync();
        }
    }

    // 16: the station's own margin refuses first; 0: no margin, so SQLite's "database or disk is full" must become the 503.
    [Theory]
    [InlineData(16)]
    [InlineData(0)]
    public async Task With_its_store_full_the_station_refuses_new_tasks_with_503_stays_up_and_recovers_by_itself_once_space_is_freed(int minFreeMegabytes)
    {
        await using var small = await SmallFileSystem.MountAsync(96, "full-store");
        await using var station = await StationProcess.StartAsync(new StationSettings
        {
            DataDirectory = small.Path,
            Environment = new Dictionary<string, string> { ["Station__MinFreeStoreMegabytes"] = $"{minFreeMegabytes}" },
        });
        try
        {
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            long first = await admin.StartAsync("fs.list", "station", new { path = station.StationRoot });
            Assert.Equal("succeeded", (await admin.WaitForStateAsync(first, Timeouts.ShortTask)).GetProperty("state").GetString());

            string filler = small.Fill();

            // New tasks are refused with 503 and a message a person can act on; reads still answer.
            var refused = await WaitForAsync(() => admin.SubmitAsync("fs.list", "station", new { path = station.StationRoot }),
                r => r.Status == HttpStatusCode.ServiceUnavailable, "a submission refused with 503 while the store is full");
            output.WriteLine(refused.ToString());
            Assert.Contains("full", refused.Detail, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/tasks/{first}")).Status);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/units")).Status);
            using (var http = new HttpClient(TestTls.Handler()) { BaseAddress = station.BaseUrl, Timeout = Timeouts.Request })
            {
                var health = await WaitForAsync(async () => await http.GetAsync("/healthz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
                    "/healthz to report the full store");
                Assert.Contains("full", await health.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            }

            // Space comes back: the station recovers without a restart.
            File.Delete(filler);
            var accepted = await WaitForAsync(() => admin.SubmitAsync("fs.list", "station", new { path = station.StationRoot }),
                r => r.Status == HttpStatusCode.Accepted, "a submission accepted again after space was freed");
            long again = accepted.Body.GetProperty("id").GetInt64();
            Assert.Equal("succeeded", (await admin.WaitForStateAsync(again, Timeouts.ShortTask)).GetProperty("state").GetString());
            await station.WaitHealthyAsync(Timeouts.Request);
            Assert.Equal("ok", await SqliteIntegrityAsync(Path.Combine(small.Path, "station.db")));
        }
        catch
        {
            output.WriteLine(station.Output);
            throw;
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        T last = await probe();
        while (!done(last))
        {
            if (clock.Elapsed > Timeouts.ShortTask) Assert.Fail($"timed out waiting for {what}; last answer: {last}");
            await Task.Delay(500);
            last = await probe();
        }
        return last;
    }

    private static Task<string> SqliteIntegrityAsync(string database)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        return Task.FromResult((string)cmd.ExecuteScalar()!);
    }
}
