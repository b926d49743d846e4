using System.Security.Cryptography;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Faults;

/// <summary>
/// Clock skew between station and units, with real agent processes whose clock libfaketime shifts (the host's
/// clock is never touched): ±5 minutes still runs tasks and a move between the two skewed units (task tickets
/// and transfer tickets both verify); 12 minutes behind is refused by the unit with a message naming the skew.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class ClockSkewTests(ITestOutputHelper output)
{
    private const string FakeTimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

    /// <summary>An agent whose wall clock reads <paramref name="offset"/> (e.g. "+5m") off the host's; timers and timeouts stay true.</summary>
    private static Dictionary<string, string> Skewed(string offset)
    {
        Needs.Tools(["faketime"]);
        Assert.True(File.Exists(FakeTimeLibrary), $"{FakeTimeLibrary} is missing: install the Debian package 'faketime' (./test installs it when run as root)");
        return new() { ["LD_PRELOAD"] = FakeTimeLibrary, ["FAKETIME"] = offset, ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1", ["FAKETIME_NO_CACHE"] = "1" };
    }

    [Fact]
    public async Task Units_five_minutes_ahead_or_behind_run_tasks_and_move_data_and_twelve_minutes_behind_is_refused_naming_the_skew()
    {
        await using var station = await StationProcess.StartAsync();
        AgentProcess? ahead = null, behind = null, far = null;
        try
        {
            ahead = await station.StartAgentAsync("a", environment: Skewed("+5m"));
            behind = await station.StartAgentAsync("b", environment: Skewed("-5m"));
            far = await station.StartAgentAsync("c", environment: Skewed("-12m"));
            using var admin = await station.AdminAsync();

            // Task tickets verify on both skewed units.
            string source = Path.Combine(ahead.Root, "payload.bin");
            await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
            foreach (var agent in new[] { ahead, behind })
            {
                long list = await admin.StartAsync("fs.list", agent.Name, new { path = agent.Root });
                var listed = await admin.WaitForStateAsync(list, Timeouts.ShortTask);
                Assert.True(listed.GetProperty("state").GetString() == "succeeded", $"fs.list on {agent.Name}: {listed}");
            }

            // A move from the unit 5 minutes ahead to the one 5 minutes behind: the transfer ticket verifies at both ends.
            string destination = Path.Combine(behind.Root, "payload.bin");
            long move = await admin.StartAsync("data.move", "b", new
            {
                source = new { unit = "a", path = source },
                destination = new { unit = "b", path = destination },
                mode = "copy",
            });
            var moved = await admin.WaitForStateAsync(move, Timeouts.ShortTask);
            Assert.True(moved.GetProperty("state").GetString() == "succeeded", $"data.move a→b: {moved}");
            Assert.Equal(MoveFiles.Sha256(source), MoveFiles.Sha256(destination));

            // 12 minutes behind is beyond the 10-minute tolerance: the unit refuses and says by how much its clock is off.
            long refused = await admin.StartAsync("fs.list", "c", new { path = far.Root });
            var task = await admin.WaitForStateAsync(refused, Timeouts.ShortTask);
            Assert.Equal("failed", task.GetProperty("state").GetString());
            Assert.Equal("refused", task.GetProperty("errorKind").GetString());
            string error = task.GetProperty("error").GetString()!;
            output.WriteLine(error);
            Assert.Matches(@"^refused by the unit: the ticket was issued 1[12] min( \d+ s)? ahead of this unit's clock \(clocks may differ by up to 10 min\)", error);
            Assert.Contains("check NTP", error);
        }
        catch
        {
            output.WriteLine(station.Output);
            foreach (var a in new[] { ahead, behind, far }) if (a is not null) output.WriteLine($"--- {a.Name}\n{a.Output}");
            throw;
        }
        finally
        {
            foreach (var a in new[] { ahead, behind, far }) if (a is not null) await a.DisposeAsync();
        }
    }
}
