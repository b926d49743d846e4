using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Two real agent processes hash a 1 GiB file each at the same time; progress streams and results match sha256sum.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ChecksumEndToEndTests(ITestOutputHelper output)
{
    private sealed record Sample(double Progress, string State);

    [Fact]
    public async Task Checksums_on_two_units_started_together_run_concurrently_report_rising_progress_and_match_sha256sum()
    {
        StationProcess? station = null;
        AgentProcess? unitA = null, unitB = null;
        var files = new List<string>();
        try
        {
            station = await StationProcess.StartAsync();
            unitA = await station.StartAgentAsync("unit-a");
            unitB = await station.StartAgentAsync("unit-b");

            var fileA = Path.Combine(unitA.Root, "big-a.bin");
            var fileB = Path.Combine(unitB.Root, "big-b.bin");
            files.AddRange([fileA, fileB]);
            using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
                await Task.WhenAll(BigFiles.CreateRandomAsync(fileA, BigFiles.OneGiB, cts.Token), BigFiles.CreateRandomAsync(fileB, BigFiles.OneGiB, cts.Token));

            using var api = await station.AdminAsync();
            // Both submissions leave at the same moment.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var submitA = Task.Run(async () => { await gate.Task; return await api.StartAsync("fs.checksum", "unit-a", new { path = fileA }); });
            var submitB = Task.Run(async () => { await gate.Task; return await api.StartAsync("fs.checksum", "unit-b", new { path = fileB }); });
            gate.SetResult();
            var ids = await Task.WhenAll(submitA, submitB).WaitAsync(Timeouts.Request);
            long idA = ids[0], idB = ids[1];

            // Meanwhile the reference hashes: the real sha256sum, one file after the other.
            var referenceHashes = Task.Run(async () => (A: await BigFiles.Sha256SumAsync(fileA, Timeouts.BigChecksum), B: await BigFiles.Sha256SumAsync(fileB, Timeouts.BigChecksum)));

            var samplesA = new List<Sample>();
            var samplesB = new List<Sample>();
            var clock = Stopwatch.StartNew();
            JsonElement taskA = default, taskB = default;
            while (true)
            {
                Assert.True(clock.Elapsed < Timeouts.BigChecksum, $"the checksums did not end within {Timeouts.BigChecksum}; last: {taskA} / {taskB}");
                taskA = await api.TaskAsync(idA);
                taskB = await api.TaskAsync(idB);
                samplesA.Add(new Sample(taskA.GetProperty("progress").GetDouble(), taskA.GetProperty("state").GetString()!));
                samplesB.Add(new Sample(taskB.GetProperty("progress").GetDouble(), taskB.GetProperty("state").GetString()!));
                if (IsEnded(taskA) && IsEnded(taskB)) break;
                await Task.Delay(100);
            }
            output.WriteLine($"unit-a progress: {string.Join(" ", samplesA.Select(s => s.Progress.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}");
            output.WriteLine($"unit-b progress: {string.Join(" ", samplesB.Select(s => s.Progress.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}");

            Assert.True(taskA.GetProperty("state").GetString() == "succeeded", $"unit-a task did not succeed: {taskA}");
            Assert.True(taskB.GetProperty("state").GetString() == "succeeded", $"unit-b task did not succeed: {taskB}");

            AssertProgressRises("unit-a", samplesA);
            AssertProgressRises("unit-b", samplesB);

            var (shaA, shaB) = await referenceHashes.WaitAsync(Timeouts.BigChecksum);
            Assert.Equal(shaA, taskA.GetProperty("result").GetProperty("sha256").GetString());
            Assert.Equal(shaB, taskB.GetProperty("result").GetProperty("sha256").GetString());
            Assert.Equal(BigFiles.OneGiB, taskA.GetProperty("result").GetProperty("bytes").GetInt64());
            Assert.Equal(BigFiles.OneGiB, taskB.GetProperty("result").GetProperty("bytes").GetInt64());
            Assert.NotEqual(shaA, shaB);

            // The two ran at the same time: each started before the other ended.
            var startedA = taskA.GetProperty("startedAt").GetDateTimeOffset();
            var endedA = taskA.GetProperty("endedAt").GetDateTimeOffset();
            var startedB = taskB.GetProperty("startedAt").GetDateTimeOffset();
            var endedB = taskB.GetProperty("endedAt").GetDateTimeOffset();
            Assert.True(startedA < endedB, $"unit-a started {startedA:O}, after unit-b ended {endedB:O}");
            Assert.True(startedB < endedA, $"unit-b started {startedB:O}, after unit-a ended {endedA:O}");
        }
        catch (Exception) when (Diagnose(station, unitA, unitB))
        {
            throw;
        }
        finally
        {
            foreach (var f in files) File.Delete(f);
            if (unitA is not null) await unitA.DisposeAsync();
            if (unitB is not null) await unitB.DisposeAsync();
            if (station is not null) await station.DisposeAsync();
        }
    }

    private static bool IsEnded(JsonElement task) => ApiClient.EndStates.Contains(task.GetProperty("state").GetString());

    private static void AssertProgressRises(string unit, List<Sample> samples)
    {
        for (int i = 1; i < samples.Count; i++)
            Assert.True(samples[i].Progress >= samples[i - 1].Progress,
                $"{unit}: progress went down from {samples[i - 1].Progress} to {samples[i].Progress} (sample {i})");
        var intermediate = samples.Where(s => s.State == "running" && s.Progress > 0 && s.Progress < 1).Select(s => s.Progress).Distinct().Count();
        Assert.True(intermediate >= 3, $"{unit}: expected several distinct intermediate progress values while running, saw {intermediate}: {string.Join(", ", samples)}");
    }

    private bool Diagnose(StationProcess? station, params AgentProcess?[] agents)
    {
        output.WriteLine("--- station output ---");
        output.WriteLine(station?.Output ?? "(none)");
        foreach (var a in agents)
        {
            output.WriteLine($"--- agent {a?.Name} output ---");
            output.WriteLine(a?.Output ?? "(none)");
        }
        return false;
    }
}
