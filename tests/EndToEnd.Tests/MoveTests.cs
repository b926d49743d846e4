using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.EndToEnd.Tests;

[Collection(MoveProcessCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MoveTests(MoveCluster cluster)
{
    private const long GiB = 1L << 30;

    [Fact]
    public async Task Move_1GiBFile_AToB_HashMatchesAndSourceDeletedOnlyAfterVerify()
    {
        string src = Path.Combine(cluster.RootA, "big-move.bin"), dst = Path.Combine(cluster.RootB, "big-move.bin");
        try
        {
            MoveFiles.CreateRandom(src, GiB);
            string sha = MoveFiles.Sha256(src);
            long id = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst, "move"));
            var task = await cluster.UntilEndedAsync(id);

            Assert.True(task["state"]!.GetValue<string>() == "succeeded", task.ToJsonString());
            Assert.Equal(sha, task["result"]!["sha256"]!.GetValue<string>());
            Assert.Equal(sha, MoveFiles.Sha256(dst));
            Assert.False(File.Exists(src));
            Assert.Equal("direct", task["result"]!["route"]!.GetValue<string>());
            string events = await cluster.EventsTextAsync(id);
            int verified = events.IndexOf("verified sha256", StringComparison.Ordinal), deleted = events.IndexOf("deleted after verification", StringComparison.Ordinal);
            Assert.True(verified >= 0 && deleted > verified, "the source must be deleted only after the destination is verified: " + events);
            Assert.Empty(Directory.GetFiles(cluster.RootB, "*" + ".ccdsvm-part*", SearchOption.AllDirectories));

            // The station's metrics count the moved bytes against the destination unit (the admin's /metrics scrape).
            string scrape = await cluster.Http.GetStringAsync(cluster.StationUrl + "/metrics");
            var counted = System.Text.RegularExpressions.Regex.Match(scrape, @"(?m)^ccdsvm_data_move_bytes_total\{[^}]*ccdsvm_unit_id=""b""[^}]*\} (\d+)");
            Assert.True(counted.Success, "no ccdsvm_data_move_bytes_total for unit b in /metrics");
            Assert.True(long.Parse(counted.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= GiB, counted.Value);
        }
        finally
        {
            File.Delete(src);
            File.Delete(dst);
        }
    }

    [Fact]
    public async Task Copy_Tree_EveryFileHashModeAndMtimeMatch()
    {
        string src = Path.Combine(cluster.RootA, "tree"), dst = Path.Combine(cluster.RootB, "tree-copy");
        try
        {
            var rng = new Random(7);
            for (int i = 0; i < 2000; i++)
            {
                string dir = Path.Combine(src, $"d{i % 20}", $"e{i % 7}");
                Directory.CreateDirectory(dir);
                string f = Path.Combine(dir, $"f{i}.txt");
                var bytes = new byte[rng.Next(0, 4096)];
                rng.NextBytes(bytes);
                File.WriteAllBytes(f, bytes);
                File.SetUnixFileMode(f, i % 3 == 0 ? (UnixFileMode)0b111_101_000 : (UnixFileMode)0b110_100_100);
                File.SetLastWriteTimeUtc(f, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i * 3.1234567));
            }
            for (int i = 0; i < 3; i++) MoveFiles.CreateRandom(Path.Combine(src, $"large{i}.bin"), 24L * 1024 * 1024 + i);
            File.CreateSymbolicLink(Path.Combine(src, "link-to-large0"), "large0.bin");
            File.CreateSymbolicLink(Path.Combine(src, "link-outside"), "/etc/passwd");

            long id = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst));
            var task = await cluster.UntilEndedAsync(id);
            Assert.True(task["state"]!.GetValue<string>() == "succeeded", task.ToJsonString());
            Assert.Equal(2003, task["result"]!["files"]!.GetValue<int>());

            foreach (var entry in Directory.EnumerateFileSystemEntries(src, "*", SearchOption.AllDirectories))
            {
                string rel = Path.GetRelativePath(src, entry), copy = Path.Combine(dst, rel);
                var a = new FileInfo(entry);
                if (a.LinkTarget is { } target)
                {
                    Assert.Equal(target, new FileInfo(copy).LinkTarget);
                    continue;
                }
                if (Directory.Exists(entry)) { Assert.True(Directory.Exists(copy), rel); continue; }
                var b = new FileInfo(copy);
                Assert.True(b.Exists, rel);
                Assert.Equal(a.UnixFileMode, b.UnixFileMode);
                Assert.Equal(a.LastWriteTimeUtc, b.LastWriteTimeUtc);
                Assert.Equal(MoveFiles.Sha256(entry), MoveFiles.Sha256(copy));
            }
            Assert.True(Directory.Exists(src));
        }
        finally
        {
            if (Directory.Exists(src)) Directory.Delete(src, true);
            if (Directory.Exists(dst)) Directory.Delete(dst, true);
        }
    }

    [Fact]
    public async Task KillDestinationHalfWayThroughATreeOfSmallFiles_RetrySendsOnlyTheFilesNotCompleteAndKeepsEveryModeAndMtime()
    {
        string src = Path.Combine(cluster.RootA, "small-tree"), dst = Path.Combine(cluster.RootB, "small-tree-copy");
        try
        {
            const int Files = 1500;
            for (int i = 0; i < Files; i++)
            {
                string dir = Path.Combine(src, $"d{i % 30}");
                Directory.CreateDirectory(dir);
                string f = Path.Combine(dir, $"f{i}.bin");
                File.WriteAllBytes(f, System.Security.Cryptography.RandomNumberGenerator.GetBytes(8192));
                File.SetUnixFileMode(f, i % 2 == 0 ? (UnixFileMode)0b110_100_000 : (UnixFileMode)0b111_101_101);
                File.SetLastWriteTimeUtc(f, new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i * 1.5));
            }
            // 11.7 MiB at 2 MiB/s: about six seconds, killed near the middle.
            long id = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst, bandwidthMiBps: 2));
            await MoveCluster.UntilAsync(async () => (await cluster.TaskAsync(id))["progress"]!.GetValue<double>() >= 0.35, "a third of the tree", TimeSpan.FromMinutes(2));
            cluster.KillAgent("b");
            Assert.False(Directory.Exists(dst));
            cluster.StartAgent("b", cluster.RootB);
            // Online only after the first attempt ended: that end means the station saw b's old connection go, so "online" is
            // the restarted agent's connection, not the killed one's not yet noticed (a retry submitted then was refused).
            Assert.NotEqual("succeeded", (await cluster.UntilEndedAsync(id, TimeSpan.FromSeconds(90)))["state"]!.GetValue<string>());
            await cluster.UntilOnlineAsync("b");

            long retry = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst));
            var task = await cluster.UntilEndedAsync(retry);
            Assert.True(task["state"]!.GetValue<string>() == "succeeded", task.ToJsonString());
            var result = task["result"]!;
            Assert.Equal((Files, Files * 8192L), (result["files"]!.GetValue<int>(), result["bytes"]!.GetValue<long>()));
            long kept = result["resumedAtBytes"]!.GetValue<long>();
            Assert.True(kept >= Files * 8192L / 4 && kept < Files * 8192L, task.ToJsonString());
            // The retry says how many files it found complete and sends only the rest.
            var line = System.Text.RegularExpressions.Regex.Match(await cluster.EventsTextAsync(retry), @"([\d,]+) of ([\d,]+) small files are complete from an earlier attempt; ([\d,]+) to go");
            Assert.True(line.Success, await cluster.EventsTextAsync(retry));
            int complete = int.Parse(line.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(kept, complete * 8192L);
            Assert.Equal(Files - complete, int.Parse(line.Groups[3].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture));
            foreach (var file in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories))
            {
                var a = new FileInfo(file);
                var b = new FileInfo(Path.Combine(dst, Path.GetRelativePath(src, file)));
                Assert.Equal((a.Length, a.UnixFileMode, a.LastWriteTimeUtc), (b.Length, b.UnixFileMode, b.LastWriteTimeUtc));
                Assert.Equal(MoveFiles.Sha256(file), MoveFiles.Sha256(b.FullName));
            }
        }
        finally
        {
            if (Directory.Exists(src)) Directory.Delete(src, true);
            if (Directory.Exists(dst)) Directory.Delete(dst, true);
            foreach (var left in Directory.EnumerateDirectories(cluster.RootB, ".small-tree-copy*")) Directory.Delete(left, true);
        }
    }

    [Fact]
    public async Task KillDestinationHalfWay_NoFinalFile_RetryResumesAboveZeroAndVerifies()
    {
        string src = Path.Combine(cluster.RootA, "big-kill.bin"), dst = Path.Combine(cluster.RootB, "big-kill.bin");
        try
        {
            MoveFiles.CreateRandom(src, GiB);
            string sha = MoveFiles.Sha256(src);
            long id = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst, bandwidthMiBps: 150));
            await MoveCluster.UntilAsync(async () => (await cluster.TaskAsync(id))["progress"]!.GetValue<double>() >= 0.45, "half the copy", TimeSpan.FromMinutes(2));

            cluster.KillAgent("b");
            Assert.False(File.Exists(dst));
            Assert.True(File.Exists(PartialPath(dst)));

            cluster.StartAgent("b", cluster.RootB);
            await cluster.UntilOnlineAsync("b");
            var first = await cluster.UntilEndedAsync(id, TimeSpan.FromSeconds(90));
            Assert.NotEqual("succeeded", first["state"]!.GetValue<string>());
            Assert.False(File.Exists(dst));

            long retry = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst));
            var task = await cluster.UntilEndedAsync(retry);
            Assert.True(task["state"]!.GetValue<string>() == "succeeded", task.ToJsonString());
            Assert.True(task["result"]!["resumedAtBytes"]!.GetValue<long>() > 0, task.ToJsonString());
            Assert.Contains("resuming", await cluster.EventsTextAsync(retry));
            Assert.Equal(sha, MoveFiles.Sha256(dst));
            Assert.False(File.Exists(PartialPath(dst)));
        }
        finally
        {
            File.Delete(src);
            File.Delete(dst);
            File.Delete(PartialPath(dst));
            File.Delete(PartialPath(dst) + ".json");
        }
    }

    [Fact]
    public async Task CancelHalfWay_TempGone_LocksReleased_TaskCancelled()
    {
        string src = Path.Combine(cluster.RootA, "big-cancel.bin"), dst = Path.Combine(cluster.RootB, "big-cancel.bin");
        try
        {
            MoveFiles.CreateRandom(src, GiB / 2);
            long id = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst, bandwidthMiBps: 100));
            await MoveCluster.UntilAsync(async () => (await cluster.TaskAsync(id))["progress"]!.GetValue<double>() >= 0.3, "a third of the copy", TimeSpan.FromMinutes(2));
            (await cluster.Http.PostAsync($"{cluster.StationUrl}/api/v1/tasks/{id}/cancel", null)).EnsureSuccessStatusCode();
            var task = await cluster.UntilEndedAsync(id, TimeSpan.FromSeconds(60));

            Assert.Equal("cancelled", task["state"]!.GetValue<string>());
            await MoveCluster.UntilAsync(() => Task.FromResult(!File.Exists(PartialPath(dst))), "the partial file to be removed");
            Assert.False(File.Exists(dst));
            Assert.False(File.Exists(PartialPath(dst) + ".json"));
            var locks = await cluster.Http.GetFromJsonAsync<JsonObject>($"{cluster.StationUrl}/api/v1/locks");
            Assert.DoesNotContain(locks!["held"]!.AsArray(), l => l!["taskId"]!.GetValue<long>() == id);
        }
        finally
        {
            File.Delete(src);
            File.Delete(dst);
        }
    }

    [Fact]
    public async Task BadInput_EachRefusedWithClearMessage_NothingWritten()
    {
        string src = Path.Combine(cluster.RootA, "small.bin");
        File.WriteAllBytes(src, new byte[1000]);
        string existing = Path.Combine(cluster.RootB, "exists.bin");
        File.WriteAllText(existing, "keep me");
        var before = Directory.GetFileSystemEntries(cluster.RootB, "*", SearchOption.AllDirectories).Order().ToArray();
        try
        {
            await AssertFails(MoveFiles.Move("/etc/hostname", Path.Combine(cluster.RootB, "x1")), "outside this unit's roots");
            await AssertFails(MoveFiles.Move(src, Path.Combine(cluster.Work, "outside-b.bin")), "outside this unit's roots");
            await AssertFails(MoveFiles.Move(src, existing), "already exists");
            Assert.Equal("keep me", File.ReadAllText(existing));

            var (status, body) = await cluster.SubmitAsync(new { source = new { unit = "b", path = existing }, destination = new { unit = "b", path = existing } });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("the same", body["detail"]!.GetValue<string>());

            (status, body) = await cluster.SubmitAsync(MoveFiles.Move(src, Path.Combine(cluster.RootB, "x2")), target: "a");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("destination unit", body["detail"]!.GetValue<string>());

            // A valid ticket for another file does not open this one.
            string other = Path.Combine(cluster.RootA, "other.bin");
            using var stationKey = cluster.StationKey();
            var ticket = TransferTicketSigning.Encode(new TransferTicket(1, "a", other, "b", "/x", -1, false, DateTimeOffset.UtcNow.AddMinutes(5), TransferTicket.NewId()), stationKey);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{await cluster.DataUrlOfAsync("a")}{DataPlaneRoutes.File}?path={Uri.EscapeDataString(src)}");
            request.Headers.Add(DataPlaneRoutes.TicketHeader, ticket);
            // As unit b, the ticket's destination, would ask (the data plane serves only enrolled units).
            using var ca = DataPlaneTls.StationCa(Path.Combine(cluster.Work, "station"));
            using var asB = DataPlaneTls.UnitCertificate(Path.Combine(cluster.Work, "state-b"));
            using var http = DataPlaneTls.Client(ca, "a", asB);
            using var refused = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("grants", await refused.Content.ReadAsStringAsync());

            Assert.Equal(before, Directory.GetFileSystemEntries(cluster.RootB, "*", SearchOption.AllDirectories).Order().ToArray());
            Assert.False(File.Exists(Path.Combine(cluster.Work, "outside-b.bin")));
        }
        finally
        {
            File.Delete(src);
            File.Delete(existing);
        }
    }

    [Fact]
    public async Task Browser_UploadThenDownload_RoundTrips_OversizeRefused()
    {
        string path = Path.Combine(cluster.RootB, "uploaded.bin");
        try
        {
            var bytes = new byte[8 * 1024 * 1024 + 3];
            Random.Shared.NextBytes(bytes);
            using (var put = await cluster.Http.PutAsync($"{cluster.StationUrl}/api/v1/units/b/files?path={Uri.EscapeDataString(path)}", new ByteArrayContent(bytes)))
                Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            Assert.Equal(bytes, await File.ReadAllBytesAsync(path));

            var down = await cluster.Http.GetByteArrayAsync($"{cluster.StationUrl}/api/v1/units/b/files?path={Uri.EscapeDataString(path)}");
            Assert.Equal(bytes, down);

            using var again = await cluster.Http.PutAsync($"{cluster.StationUrl}/api/v1/units/b/files?path={Uri.EscapeDataString(path)}", new ByteArrayContent(bytes));
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

            // Expect: 100-continue lets the station refuse before the body is sent, as a browser upload of a huge file would want.
            using var bigRequest = new HttpRequestMessage(HttpMethod.Put, $"{cluster.StationUrl}/api/v1/units/b/files?path={Uri.EscapeDataString(path + ".big")}")
            {
                Content = new ByteArrayContent(new byte[65 * 1024 * 1024]),
            };
            bigRequest.Headers.ExpectContinue = true;
            using var big = await cluster.Http.SendAsync(bigRequest);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
            Assert.False(File.Exists(path + ".big"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task AssertFails(object parameters, string expected)
    {
        long id = await cluster.SubmitOkAsync(parameters);
        var task = await cluster.UntilEndedAsync(id, TimeSpan.FromSeconds(60));
        Assert.Equal("failed", task["state"]!.GetValue<string>());
        Assert.Contains(expected, task["error"]!.GetValue<string>());
    }

    private static string PartialPath(string final) => Path.Combine(Path.GetDirectoryName(final)!, "." + Path.GetFileName(final) + ".ccdsvm-part");
}
