using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Browser downloads and uploads (<c>/api/v1/units/{id}/files</c>) on a real station and agent are tasks: a
/// slot in the task list, a shared lock on the path for a download and an exclusive one for an upload held
/// while the bytes stream, progress, the task id in <c>X-Ccdsvm-Task</c>, and audit lines on success and failure.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BrowserTransferTaskTests
{
    private const string BobPassword = "bobs-long-password-1";
    private const string TaskHeader = "X-Ccdsvm-Task";

    private static HttpClient Raw(StationProcess station, ApiClient api)
    {
        var http = new HttpClient(TestTls.Handler()) { BaseAddress = station.BaseUrl, Timeout = Timeouts.Request };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        return http;
    }

    private static string FilesUrl(string unit, string path, string extra = "") => $"/api/v1/units/{unit}/files?path={Uri.EscapeDataString(path)}{extra}";

    private static long TaskIdOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues(TaskHeader, out var v) ? long.Parse(v.Single(), System.Globalization.CultureInfo.InvariantCulture)
            : throw new Xunit.Sdk.XunitException($"no {TaskHeader} header on {(int)response.StatusCode}");

    private static async Task<JsonElement> OnlyTaskAsync(ApiClient api, string owner, string kind, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var list = await api.GetAsync($"/api/v1/tasks?owner={owner}");
            var found = list.Body.EnumerateArray().Where(t => t.GetProperty("kind").GetString() == kind && t.GetProperty("endedAt").ValueKind == JsonValueKind.Null).ToList();
            if (found.Count == 1) return found[0];
            await Task.Delay(100, cts.Token);
        }
    }

    private static Task<AuditRow> EndAuditAsync(StationProcess station, long id, string kind, string unit, string outcome) =>
        AuditTable.WaitForAsync(station.DatabasePath, "task.end", a => a.Target == $"task {id} {kind} on {unit}" && a.Outcome == outcome, Timeouts.Request);

    [Fact]
    public async Task Download_IsATask_WaitsForAHoldOnItsPath_ThenStreams_AuditedOnSuccessAndFailure()
    {
        await using var station = await StationProcess.StartAsync();
        await using var unitA = await station.StartAgentAsync("unit-a");
        using var admin = await station.AdminAsync();
        await admin.CreateUserAsync("bob", BobPassword, "Operator");
        using var bob = await ApiClient.SignInAsync(station.BaseUrl, "bob", BobPassword);
        using var http = Raw(station, bob);
        string path = Path.Combine(unitA.Root, "report.bin");
        byte[] bytes = RandomNumberGenerator.GetBytes((3 << 20) + 17);
        await File.WriteAllBytesAsync(path, bytes);

        long hold = await admin.StartAsync("maintenance.hold", "unit-a", new { resource = $"/units/unit-a/fs{path}", seconds = 120, reason = "test" });
        await admin.WaitForStateAsync(hold, Timeouts.ShortTask, "running");
        var download = http.GetAsync(FilesUrl("unit-a", path));

        var waiting = await OnlyTaskAsync(bob, "bob", "files.download", Timeouts.Request);
        long id = waiting.GetProperty("id").GetInt64();
        Assert.Equal("unit-a", waiting.GetProperty("target").GetString());
        waiting = await bob.WaitForStateAsync(id, Timeouts.Request, "waitingForLocks");
        Assert.Contains(waiting.GetProperty("awaitedLocks").EnumerateArray(), l => l.ToString().Contains("report.bin", StringComparison.Ordinal));
        Assert.False(download.IsCompleted, "the download streamed while a maintenance hold held its path exclusive");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/tasks/{hold}/cancel", null)).Status);
        using (var response = await download.WaitAsync(Timeouts.Request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(id, TaskIdOf(response));
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        }
        var done = await bob.WaitForStateAsync(id, Timeouts.Request);
        Assert.True(done.GetProperty("state").GetString() == "succeeded", done.ToString());
        Assert.Equal("bob", done.GetProperty("owner").GetString());
        Assert.Equal("files.download", done.GetProperty("kind").GetString());
        Assert.Equal(bytes.Length, done.GetProperty("result").GetProperty("bytes").GetInt64());
        await EndAuditAsync(station, id, "files.download", "unit-a", "succeeded");

        // A file that is not there: the unit's 404 reaches the caller, and the task ends failed, audited.
        using var missing = await http.GetAsync(FilesUrl("unit-a", Path.Combine(unitA.Root, "nothing-here.bin")));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        long failedId = TaskIdOf(missing);
        var failed = await bob.WaitForStateAsync(failedId, Timeouts.Request);
        Assert.True(failed.GetProperty("state").GetString() == "failed", failed.ToString());
        await EndAuditAsync(station, failedId, "files.download", "unit-a", "failed");
    }

    /// <summary>Sends <see cref="_first"/> bytes, waits for <see cref="Release"/>, then the rest: the test looks at the task meanwhile.</summary>
    private sealed class PausingContent(byte[] bytes, int first) : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _first = first;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, _first));
            await stream.FlushAsync();
            await _release.Task.WaitAsync(Timeouts.Request);
            await stream.WriteAsync(bytes.AsMemory(_first));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task Upload_IsATask_HoldsItsPathExclusiveWhileStreaming_ReportsProgress_AuditedOnSuccessAndFailure()
    {
        await using var station = await StationProcess.StartAsync();
        await using var unitA = await station.StartAgentAsync("unit-a");
        using var admin = await station.AdminAsync();
        await admin.CreateUserAsync("bob", BobPassword, "Operator");
        using var bob = await ApiClient.SignInAsync(station.BaseUrl, "bob", BobPassword);
        using var http = Raw(station, bob);
        string path = Path.Combine(unitA.Root, "up.bin");
        byte[] bytes = RandomNumberGenerator.GetBytes(4 << 20);

        var content = new PausingContent(bytes, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var upload = http.PutAsync(FilesUrl("unit-a", path), content);
        try
        {
            var running = await OnlyTaskAsync(bob, "bob", "files.upload", Timeouts.Request);
            long id = running.GetProperty("id").GetInt64();
            Assert.Equal("unit-a", running.GetProperty("target").GetString());
            var midway = await bob.WaitForStateAsync(id, Timeouts.Request, "running");
            var locks = await admin.GetAsync("/api/v1/locks");
            Assert.Contains(locks.Body.GetProperty("held").EnumerateArray(), l =>
                l.GetProperty("taskId").GetInt64() == id && l.GetProperty("mode").GetString() == "exclusive" && l.GetProperty("resource").GetString()!.EndsWith("/up.bin", StringComparison.Ordinal));
            // A checksum of the same path waits for the upload's exclusive lock.
            long checksum = await admin.StartAsync("fs.checksum", "unit-a", new { path });
            Assert.Equal("waitingForLocks", (await admin.TaskAsync(checksum)).GetProperty("state").GetString());
            await WaitProgressAsync(bob, id);

            content.Release();
            using var response = await upload.WaitAsync(Timeouts.Request);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(id, TaskIdOf(response));
            Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
            var done = await bob.WaitForStateAsync(id, Timeouts.Request);
            Assert.True(done.GetProperty("state").GetString() == "succeeded", done.ToString());
            Assert.Equal("files.upload", done.GetProperty("kind").GetString());
            await EndAuditAsync(station, id, "files.upload", "unit-a", "succeeded");
            Assert.Equal("succeeded", (await admin.WaitForStateAsync(checksum, Timeouts.Request)).GetProperty("state").GetString());
        }
        finally
        {
            content.Release();
        }

        // The same path again without overwrite: the unit's 409 reaches the caller; the task ends failed, audited.
        using var again = new ByteArrayContent(bytes);
        again.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var conflict = await http.PutAsync(FilesUrl("unit-a", path), again);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        long failedId = TaskIdOf(conflict);
        Assert.Equal("failed", (await bob.WaitForStateAsync(failedId, Timeouts.Request)).GetProperty("state").GetString());
        await EndAuditAsync(station, failedId, "files.upload", "unit-a", "failed");
    }

    private static async Task WaitProgressAsync(ApiClient api, long id)
    {
        using var cts = new CancellationTokenSource(Timeouts.Request);
        while (true)
        {
            var t = await api.TaskAsync(id);
            if (t.GetProperty("progress").GetDouble() > 0) return;
            try { await Task.Delay(100, cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"task {id} reported no progress while bytes streamed: {t}"); }
        }
    }
}
