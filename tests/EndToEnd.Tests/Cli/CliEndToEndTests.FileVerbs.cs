using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// <c>files stat|mkdir|rm|mv|cp|chmod</c> and the resumable <c>files put</c>, with the real station's own agent (it
/// writes under <see cref="StationProcess.StationRoot"/>, so each effect is checked on disk).
/// </summary>
public sealed partial class CliEndToEndTests
{
    private static readonly TimeSpan BigTransfer = TimeSpan.FromMinutes(4);

    /// <summary>A fresh directory inside the station's root, removed again by the caller.</summary>
    private string VerbsDir() => Directory.CreateDirectory(Path.Combine(Station.StationRoot, "cli-verbs-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    [Fact]
    public async Task FilesVerbs_MkdirStatChmodCpMvRm_EachChangesTheDisk()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string dir = VerbsDir();
        try
        {
            // Two paths at once: one fs.mkdir task each, -o json is the REST task JSON.
            var mkdir = await cli.RunAsync("files", "mkdir", "-p", $"station:{dir}/a/b", $"station:{dir}/c", "-o", "json");
            Assert.True(mkdir.ExitCode == 0, mkdir.ToString());
            using (var doc = JsonDocument.Parse(mkdir.Stdout))
            {
                Assert.Equal(2, doc.RootElement.GetArrayLength());
                Assert.All(doc.RootElement.EnumerateArray(), t =>
                {
                    Assert.Equal(TaskKinds.FsMkdir, t.GetProperty("kind").GetString());
                    Assert.Equal("succeeded", t.GetProperty("state").GetString());
                });
            }
            Assert.True(Directory.Exists(Path.Combine(dir, "a", "b")));
            Assert.True(Directory.Exists(Path.Combine(dir, "c")));

            string file = Path.Combine(dir, "f.txt");
            await File.WriteAllTextAsync(file, "hello");
            var stat = await cli.RunAsync("files", "stat", $"station:{file}", $"station:{dir}/a");
            Assert.True(stat.ExitCode == 0, stat.ToString());
            Assert.Matches(@"(?m)^station\s+" + Regex.Escape(file) + @"\s+file\s+5\s+0644\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s", stat.Stdout);
            Assert.Matches(@"(?m)^station\s+" + Regex.Escape(dir + "/a") + @"\s+directory\s", stat.Stdout);
            var statJson = await cli.RunAsync("files", "stat", $"station:{file}", "-o", "json");
            Assert.True(statJson.ExitCode == 0, statJson.ToString());
            using (var doc = JsonDocument.Parse(statJson.Stdout))
                Assert.Equal(5, Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("result").GetProperty("size").GetInt64());

            var chmod = await cli.RunAsync("files", "chmod", "0600", $"station:{file}");
            Assert.True(chmod.ExitCode == 0, chmod.ToString());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

            var cp = await cli.RunAsync("files", "cp", $"station:{file}", $"station:{dir}/c/");
            Assert.True(cp.ExitCode == 0, cp.ToString());
            Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(dir, "c", "f.txt")));

            var mv = await cli.RunAsync("files", "mv", $"station:{file}", $"station:{dir}/g.txt");
            Assert.True(mv.ExitCode == 0, mv.ToString());
            Assert.False(File.Exists(file));
            Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(dir, "g.txt")));

            var rm = await cli.RunAsync("files", "rm", "--yes", $"station:{dir}/g.txt", $"station:{dir}/c/f.txt");
            Assert.True(rm.ExitCode == 0, rm.ToString());
            Assert.False(File.Exists(Path.Combine(dir, "g.txt")));
            Assert.False(File.Exists(Path.Combine(dir, "c", "f.txt")));

            // A non-empty directory needs -r: without it the task fails (exit 1) and the tree stays.
            var rmDir = await cli.RunAsync("files", "rm", "--yes", $"station:{dir}/a");
            Assert.True(rmDir.ExitCode == 1, rmDir.ToString());
            Assert.True(Directory.Exists(Path.Combine(dir, "a", "b")));
            var rmTree = await cli.RunAsync("files", "rm", "-r", "--yes", $"station:{dir}/a");
            Assert.True(rmTree.ExitCode == 0, rmTree.ToString());
            Assert.False(Directory.Exists(Path.Combine(dir, "a")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task FilesVerbs_BadInput_RefusedWithExit2_BeforeAnyRequest_AndNothingChanges()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string dir = VerbsDir();
        try
        {
            string file = Path.Combine(dir, "keep.txt");
            await File.WriteAllTextAsync(file, "keep");

            // No terminal to ask on and no --yes: refused, the file stays.
            var rm = await cli.RunAsync("files", "rm", $"station:{file}");
            Assert.True(rm.ExitCode == 2, rm.ToString());
            Assert.Contains("is destructive: add --yes to confirm", rm.Stderr, StringComparison.Ordinal);
            Assert.True(File.Exists(file));

            // A station that cannot be reached proves these are refused before any request (that would exit 6).
            string[] nowhere = ["--url", "https://127.0.0.1:9", "--fingerprint", Station.Fingerprint];
            var chmod = await cli.RunAsync(["files", "chmod", "999", $"station:{file}", .. nowhere]);
            Assert.True(chmod.ExitCode == 2, chmod.ToString());
            Assert.Contains("octal", chmod.Stderr, StringComparison.Ordinal);
            var mv = await cli.RunAsync(["files", "mv", $"station:{file}", "unit-b:/srv/keep.txt", .. nowhere]);
            Assert.True(mv.ExitCode == 2, mv.ToString());
            Assert.Contains("ccdsvm move", mv.Stderr, StringComparison.Ordinal);
            var cp = await cli.RunAsync(["files", "cp", $"station:{file}", "unit-b:/srv/keep.txt", .. nowhere]);
            Assert.True(cp.ExitCode == 2, cp.ToString());
            Assert.Contains("ccdsvm move", cp.Stderr, StringComparison.Ordinal);
            var climb = await cli.RunAsync(["files", "rm", "--yes", $"station:{dir}/sub/../keep.txt", .. nowhere]);
            Assert.True(climb.ExitCode == 2, climb.ToString());
            Assert.Contains("'..'", climb.Stderr, StringComparison.Ordinal);
            var empty = await cli.RunAsync(["files", "mkdir", "station:", .. nowhere]);
            Assert.True(empty.ExitCode == 2, empty.ToString());
            Assert.Contains("UNIT:/absolute/path", empty.Stderr, StringComparison.Ordinal);
            var blank = await cli.RunAsync(["files", "stat", "", .. nowhere]);
            Assert.True(blank.ExitCode == 2, blank.ToString());
            var huge = await cli.RunAsync(["files", "stat", "station:/" + new string('a', 10_000), .. nowhere]);
            Assert.True(huge.ExitCode == 2, huge.ToString());
            Assert.Contains("at most 4096", huge.Stderr, StringComparison.Ordinal);

            // The station's partial-upload query refuses the same values in words (400), and a symlink leaving the roots at the unit.
            foreach (string bad in new[] { "", dir + "/sub/../keep.txt", "/" + new string('a', 5_000) })
            {
                var answer = await fixture.Admin.GetAsync($"/api/v1/units/station/files/partial?path={Uri.EscapeDataString(bad)}");
                Assert.True(answer.Status == System.Net.HttpStatusCode.BadRequest, $"{bad[..Math.Min(bad.Length, 40)]}: {answer}");
                Assert.False(string.IsNullOrWhiteSpace(answer.Detail));
            }
            // 10,000 characters do not fit a request line: Kestrel refuses them (414) before any endpoint runs.
            var tooLong = await fixture.Admin.GetAsync($"/api/v1/units/station/files/partial?path=/{new string('a', 10_000)}");
            Assert.True(tooLong.Status is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.RequestUriTooLong, tooLong.ToString());
            string link = Path.Combine(dir, "out");
            File.CreateSymbolicLink(link, Path.GetTempPath());
            var escaped = await fixture.Admin.GetAsync($"/api/v1/units/station/files/partial?path={Uri.EscapeDataString(link + "/x.bin")}");
            Assert.False(escaped.Status == System.Net.HttpStatusCode.OK, escaped.ToString());
            Assert.Contains("outside this unit's roots", escaped.Detail, StringComparison.Ordinal);
            Assert.Equal("keep", await File.ReadAllTextAsync(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file) & (UnixFileMode)0x1FF);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task FilesVerbs_ThroughASymlinkLeavingTheRoots_Refused_AndTheOutsideIsUntouched()
    {
        using var home = new TempDir("cli");
        using var outside = new TempDir("cli-outside");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string dir = VerbsDir();
        try
        {
            string victim = outside.File("victim.txt");
            await File.WriteAllTextAsync(victim, "outside");
            File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            string link = Path.Combine(dir, "escape");
            File.CreateSymbolicLink(link, outside.Path);

            var rm = await cli.RunAsync("files", "rm", "--yes", $"station:{link}/victim.txt");
            Assert.True(rm.ExitCode == 1, rm.ToString());
            Assert.Contains("outside this unit's roots", rm.Stdout + rm.Stderr, StringComparison.Ordinal);
            var chmod = await cli.RunAsync("files", "chmod", "0777", $"station:{link}/victim.txt");
            Assert.True(chmod.ExitCode == 1, chmod.ToString());
            Assert.Contains("outside this unit's roots", chmod.Stdout + chmod.Stderr, StringComparison.Ordinal);
            var mkdir = await cli.RunAsync("files", "mkdir", $"station:{link}/made");
            Assert.True(mkdir.ExitCode == 1, mkdir.ToString());

            string local = home.File("small.bin");
            await File.WriteAllBytesAsync(local, RandomNumberGenerator.GetBytes(1000));
            var put = await cli.RunAsync("files", "put", local, $"station:{link}/put.bin");
            Assert.NotEqual(0, put.ExitCode);
            Assert.Contains("outside this unit's roots", put.Stderr, StringComparison.Ordinal);

            Assert.Equal("outside", await File.ReadAllTextAsync(victim));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(victim));
            Assert.Equal(["victim.txt"], Directory.GetFileSystemEntries(outside.Path).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task FilesPutThenGet_100MiB_RoundTripsByteForByte_WithTheSameSha256()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string dir = VerbsDir();
        try
        {
            string local = home.File("big.bin");
            string sha = await WriteRandomAsync(local, 100L << 20);
            var put = await cli.RunAsync(["files", "put", local, $"station:{dir}/", "-o", "json"], timeout: BigTransfer);
            Assert.True(put.ExitCode == 0, put.ToString());
            using (var doc = JsonDocument.Parse(put.Stdout))
            {
                Assert.Equal(sha, doc.RootElement.GetProperty("sha256").GetString());
                Assert.Equal(100L << 20, doc.RootElement.GetProperty("size").GetInt64());
            }
            string back = home.File("back.bin");
            var get = await cli.RunAsync(["files", "get", $"station:{dir}/big.bin", back, "-o", "json"], timeout: BigTransfer);
            Assert.True(get.ExitCode == 0, get.ToString());
            using (var doc = JsonDocument.Parse(get.Stdout)) Assert.Equal(sha, doc.RootElement.GetProperty("sha256").GetString());
            Assert.True(FilesEqual(local, back), "the downloaded file differs from the uploaded one");
            Assert.True(FilesEqual(local, Path.Combine(dir, "big.bin")), "the file on the unit differs from the uploaded one");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task FilesPut_KilledMidTransfer_ThenResume_SendsOnlyTheRest_ByteIdentical()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string dir = VerbsDir();
        try
        {
            long size = 48L << 20;
            string local = home.File("slow.bin");
            string sha = await WriteRandomAsync(local, size);
            string final = Path.Combine(dir, "slow.bin");
            string partial = Path.Combine(dir, ".slow.bin.ccdsvm-part");

            // 4 MiB/s: killed once the unit holds 8 MiB, long before the 48 MiB are through.
            using (var first = StartCli(home.Path, "files", "put", local, $"station:{final}", "--bwlimit", "4"))
            {
                var grown = Stopwatch.StartNew();
                while (!(File.Exists(partial) && new FileInfo(partial).Length >= 8L << 20))
                {
                    if (first.HasExited) Assert.Fail("the upload ended before it could be interrupted: " + await first.StandardError.ReadToEndAsync());
                    Assert.True(grown.Elapsed < Timeouts.ShortTask, "the hidden partial did not grow to 8 MiB");
                    Assert.False(File.Exists(final), "nothing may appear under the final name before the upload completes; after "
                        + grown.Elapsed + " in the directory: " + string.Join(", ", Directory.GetFileSystemEntries(dir).Select(e => $"{Path.GetFileName(e)} {new FileInfo(e).Length}")));
                    await Task.Delay(50);
                }
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync().WaitAsync(Timeouts.ProcessExit);
            }
            // The unit notices the broken connection and keeps what arrived: the sidecar records it.
            var kept = Stopwatch.StartNew();
            while (!File.Exists(partial + ".json"))
            {
                Assert.True(kept.Elapsed < Timeouts.Request, "the unit did not keep the interrupted upload");
                await Task.Delay(100);
            }
            Assert.False(File.Exists(final), "an interrupted upload must not appear under the final name");

            var resume = await cli.RunAsync(["files", "put", local, $"station:{final}", "--resume", "-o", "json"], timeout: BigTransfer);
            Assert.True(resume.ExitCode == 0, resume.ToString());
            var at = Regex.Match(resume.Stderr, @"resuming the upload to \S+ at byte (\d+) of (\d+): sending the remaining (\d+) bytes");
            Assert.True(at.Success, resume.ToString());
            long offset = long.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(offset, 8L << 20, size - 1);
            Assert.Equal(size - offset, long.Parse(at.Groups[3].Value, CultureInfo.InvariantCulture));
            using (var doc = JsonDocument.Parse(resume.Stdout))
            {
                Assert.Equal(sha, doc.RootElement.GetProperty("sha256").GetString());
                Assert.Equal(size, doc.RootElement.GetProperty("size").GetInt64());
            }
            Assert.True(FilesEqual(local, final), "the resumed upload differs from the local file");
            Assert.False(File.Exists(partial), "the hidden partial must be gone once the file took its name");
            Assert.False(File.Exists(partial + ".json"));

            // The station's task for the resumed upload names where it resumed.
            var tasks = (await fixture.Admin.GetAsync($"/api/v1/tasks?kind={TaskKinds.FilesUpload}&limit=5")).Body;
            Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("state").GetString() == "succeeded" && ResumedAt(t) == offset);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The CLI as a process the test can kill, set up as <see cref="CliRunner"/> sets it up, nothing on its input.</summary>
    private static Process StartCli(string home, params string[] args)
    {
        var process = new CliRunner(home).Start(args);
        process.StandardInput.Close();
        return process;
    }

    /// <summary>The offset parameter of a files.upload task (its parameters as an object or as JSON text), or -1.</summary>
    private static double ResumedAt(JsonElement task)
    {
        var p = task.GetProperty("parameters");
        using var doc = p.ValueKind == JsonValueKind.String ? JsonDocument.Parse(p.GetString()!) : null;
        var parameters = doc?.RootElement ?? p;
        return parameters.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetDouble() : -1;
    }

    private static async Task<string> WriteRandomAsync(string path, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        var buffer = new byte[1 << 20];
        for (long done = 0; done < size; done += buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            int n = (int)Math.Min(buffer.Length, size - done);
            hash.AppendData(buffer, 0, n);
            await output.WriteAsync(buffer.AsMemory(0, n));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool FilesEqual(string a, string b)
    {
        using var x = File.OpenRead(a);
        using var y = File.OpenRead(b);
        if (x.Length != y.Length) return false;
        var bx = new byte[1 << 20];
        var by = new byte[1 << 20];
        int n;
        while ((n = x.Read(bx)) > 0)
        {
            y.ReadExactly(by, 0, n);
            if (!bx.AsSpan(0, n).SequenceEqual(by.AsSpan(0, n))) return false;
        }
        return true;
    }
}
