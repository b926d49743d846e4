using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

[Collection(E2eCollection.Name)]
public sealed class ChecksumEndToEndTests
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task ChecksumOnTwoAgents_StartedTogether_RunConcurrentlyWithRisingProgressAndCorrectHashes()
    {
        await using var station = new StationProcess();
        using var api = await station.StartAsync();
        using var a = station.StartAgent("unit-a");
        using var b = station.StartAgent("unit-b");
        await api.WaitUnitStatusAsync("unit-a", "online", TimeSpan.FromSeconds(30));
        await api.WaitUnitStatusAsync("unit-b", "online", TimeSpan.FromSeconds(30));
        string fileA = Path.Combine(a.Root, "big-a.bin"), fileB = Path.Combine(b.Root, "big-b.bin");
        await Task.WhenAll(Task.Run(() => TestFiles.WriteRandom(fileA, OneGiB)), Task.Run(() => TestFiles.WriteRandom(fileB, OneGiB)));

        var submitted = await Task.WhenAll(
            api.SubmitAsync("fs.checksum", "unit-a", new { path = fileA }),
            api.SubmitAsync("fs.checksum", "unit-b", new { path = fileB }));
        long idA = submitted[0].GetProperty("id").GetInt64(), idB = submitted[1].GetProperty("id").GetInt64();

        var seenA = new List<double>();
        var seenB = new List<double>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        JsonElement lastA, lastB;
        while (true)
        {
            (lastA, lastB) = (await api.TaskAsync(idA), await api.TaskAsync(idB));
            seenA.Add(lastA.GetProperty("progress").GetDouble());
            seenB.Add(lastB.GetProperty("progress").GetDouble());
            if (Ended(lastA) && Ended(lastB)) break;
            Assert.True(DateTime.UtcNow < deadline, $"checksums did not finish in time: {lastA} {lastB}");
            await Task.Delay(50);
        }

        Assert.Equal("succeeded", lastA.GetProperty("state").GetString());
        Assert.Equal("succeeded", lastB.GetProperty("state").GetString());
        AssertRising(seenA, "unit-a");
        AssertRising(seenB, "unit-b");
        Assert.Equal(await TestFiles.Sha256SumAsync(fileA), lastA.GetProperty("result").GetProperty("sha256").GetString());
        Assert.Equal(await TestFiles.Sha256SumAsync(fileB), lastB.GetProperty("result").GetProperty("sha256").GetString());
        Assert.Equal(OneGiB, lastA.GetProperty("result").GetProperty("bytes").GetInt64());
        Assert.True(lastA.GetProperty("dedicatedThread").GetBoolean(), "fs.checksum declares a dedicated thread");

        // Both ran at the same time: each started before the other ended.
        var (startA, endA) = Interval(lastA);
        var (startB, endB) = Interval(lastB);
        Assert.True(startA < endB && startB < endA, $"running intervals do not overlap: A {startA:O}–{endA:O}, B {startB:O}–{endB:O}");
    }

    private static bool Ended(JsonElement t) => t.GetProperty("endedAt").ValueKind != JsonValueKind.Null;

    private static (DateTimeOffset, DateTimeOffset) Interval(JsonElement t) =>
        (t.GetProperty("startedAt").GetDateTimeOffset(), t.GetProperty("endedAt").GetDateTimeOffset());

    private static void AssertRising(List<double> seen, string unit)
    {
        for (int i = 1; i < seen.Count; i++)
            Assert.True(seen[i] >= seen[i - 1], $"{unit}: progress went back from {seen[i - 1]} to {seen[i]}");
        var intermediate = seen.Where(p => p is > 0 and < 1).Distinct().Count();
        Assert.True(intermediate >= 3, $"{unit}: expected several intermediate progress values, saw {intermediate}: {string.Join(", ", seen.Distinct())}");
    }
}
