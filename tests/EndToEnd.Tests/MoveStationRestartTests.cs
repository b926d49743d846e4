using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A 1 GiB data.move while the station dies (SIGKILL) and comes back on the same store and port: the
/// destination agent keeps pulling from the source agent, reattaches the task to the new station process,
/// and the move ends verified without a file under the final name before the end.
/// </summary>
[Collection(ProcessCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MoveStationRestartTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public async Task StationKilledHalfWay_RestartedOnSameStore_MoveReattachesAndEndsVerified()
    {
        await using var station = new CrashableStation(graceSeconds: 60);
        var api = await station.StartAsync();
        string rootA = await station.StartAgentAsync(api, "a");
        string rootB = await station.StartAgentAsync(api, "b");
        string src = Path.Combine(rootA, "restart.bin"), dst = Path.Combine(rootB, "restart.bin");
        MoveFiles.CreateRandom(src, GiB);
        string sha = MoveFiles.Sha256(src);

        // A bandwidth cap keeps the copy running long enough for a kill at half way and a restart before its end.
        var parameters = new
        {
            source = new { unit = "a", path = src },
            destination = new { unit = "b", path = dst },
            mode = "copy",
            verify = true,
            bandwidthMiBps = 40,
        };
        long id = await api.StartAsync("data.move", "b", parameters);
        using var watch = new FinalNameWatch(dst, GiB);
        await UntilAsync(api, id, t => t.GetProperty("progress").GetDouble() >= 0.45, TimeSpan.FromMinutes(2), "half the copy");
        api.Dispose();

        station.Crash();
        Assert.False(File.Exists(dst), "the final name must not exist while the copy runs");
        Assert.True(File.Exists(Path.Combine(rootB, ".restart.bin.ccdsvm-part")), "the partial file is where the copy writes");

        using var after = await station.StartAsync();
        var restarted = await after.TaskAsync(id);
        Assert.True(restarted.GetProperty("state").GetString() is "running" or "succeeded", restarted.ToString());

        var ended = await after.WaitForStateAsync(id, TimeSpan.FromMinutes(3));
        Assert.True(ended.GetProperty("state").GetString() == "succeeded",
            $"{ended}\n--- agent b:\n{Tail(station.AgentOutput("b"))}\n--- agent a:\n{Tail(station.AgentOutput("a"))}\n--- station:\n{Tail(station.Output)}");
        var result = ended.GetProperty("result");
        Assert.Equal(sha, result.GetProperty("sha256").GetString());
        Assert.True(result.GetProperty("verified").GetBoolean());
        Assert.Equal(sha, MoveFiles.Sha256(dst));
        Assert.Empty(Directory.GetFiles(rootB, "*.ccdsvm-part*"));
        watch.Stop();
        Assert.True(watch.Violation is null, watch.Violation);

        // What the pane shows: the restored task and the agent reattaching it, then the verification.
        var events = (await after.GetAsync($"/api/v1/tasks/{id}/events")).Body.EnumerateArray().ToList();
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("reattached", types);
        string text = string.Join("\n", events.Select(e => e.ToString()));
        Assert.True(text.IndexOf("reattached", StringComparison.Ordinal) < text.IndexOf("verified sha256", StringComparison.Ordinal), text);
    }

    private static string Tail(string output) => output.Length <= 6000 ? output : output[^6000..];

    private static async Task UntilAsync(ApiClient api, long id, Func<JsonElement, bool> condition, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        JsonElement last = default;
        while (clock.Elapsed < within)
        {
            last = await api.TaskAsync(id).WaitAsync(Timeouts.Request);
            if (condition(last)) return;
            if (ApiClient.EndStates.Contains(last.GetProperty("state").GetString())) break;
            await Task.Delay(100);
        }
        throw new TimeoutException($"task {id}: gave up waiting for {what}; last seen {last}");
    }

    /// <summary>Polls the final name until stopped: whenever it exists it must already hold every byte.</summary>
    private sealed class FinalNameWatch : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public FinalNameWatch(string path, long size)
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var info = new FileInfo(path);
                    if (info.Exists && info.Length != size) Violation ??= $"'{path}' existed with {info.Length:N0} of {size:N0} bytes";
                    try { await Task.Delay(20, _stop.Token); }
                    catch (OperationCanceledException) { }
                }
            });
        }

        public string? Violation { get; private set; }

        public void Stop()
        {
            _stop.Cancel();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }

        public void Dispose()
        {
            Stop();
            _stop.Dispose();
        }
    }
}
