using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.EndToEnd.Tests.Fuzz;

/// <summary>
/// One real station for the fuzz, set up to be attacked safely on a shared machine: its own unit refuses the kinds
/// that act on the host (processes, disks, mounts, its network; the station still validates and admits them), its fstab and
/// mount root are temporary. Around its root: a sentinel tree outside every root, links into it from the root (one
/// swapped back and forth while the fuzz runs), an operator, a victim user, two enrolled units that are not the
/// station and one that never connected. <see cref="AssertIntactAsync"/> checks everything the fuzz must not break.
/// </summary>
public sealed class FuzzStation : IAsyncLifetime
{
    /// <summary>Kinds the station's own unit refuses here: they would signal real processes or touch real disks.</summary>
    public static readonly string[] DeniedOnThisMachine =
    [
        "system.process.signal", "system.process.renice", "storage.partition", "storage.mkfs", "storage.mount", "storage.unmount", "storage.raid",
        "storage.volume.create", "storage.volume.resize", "storage.volume.delete",
        // It would change the machine's own network (the agent would restore it, but only after its timer).
        "net.configure",
    ];

    public const string OperatorName = "fuzz-op";
    public const string OperatorPassword = "Fuzz-Operator-Password-42";
    public const string VictimName = "fuzz-victim";
    public static readonly string[] FakeUnits = ["fuzz-unit-a", "fuzz-unit-b"];
    public const string NeverConnected = "fuzz-unit-gone";

    /// <summary>Units the REST fuzz never revokes (it attacks them in every other way): the station's own, and the online fake.</summary>
    public static readonly string[] Protected = ["station", "fuzz-unit-a"];

    /// <summary>Enrols a new unit for one test (so nothing another test did to a unit can get in its way) and returns its credential.</summary>
    public async Task<(string Unit, string Credential)> EnrolFreshAsync(string prefix)
    {
        string unit = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        return (unit, await Admin.EnrolCredentialAsync(unit));
    }

    private readonly TempDir _outside = new("fuzz-outside");
    private readonly TempDir _mounts = new("fuzz-mounts");
    private readonly ConcurrentDictionary<long, byte> _taskIds = new();
    private CancellationTokenSource _stop = new();
    private StationProcess? _station;
    private HubSession? _unitA;

    /// <summary>The root fuzz-unit-a announces (it runs nothing: a path there only reaches the station's checks).</summary>
    public const string FakeUnitARoot = "/srv/fuzz-a";
    private Task? _swapper;
    private string _sentinelHash = "";
    private string _hostHash = "";

    public StationProcess Station => _station ?? throw new InvalidOperationException("the station is not started");
    public ApiClient Admin { get; private set; } = null!;
    public ApiClient Operator { get; private set; } = null!;
    public FuzzWorld World { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> Credentials { get; private set; } = new Dictionary<string, string>();
    public JsonElement OpenApi { get; private set; }
    public int SwapCount { get; private set; }

    /// <summary>The roots the station's own unit announced before the fuzz began.</summary>
    public IReadOnlyList<string> StationRoots { get; private set; } = [];

    public string SentinelDir => Path.Combine(_outside.Path, "sentinel");
    public string FstabPath => Path.Combine(_outside.Path, "fstab");

    public void RememberTask(long id) => _taskIds.TryAdd(id, 0);

    public async Task InitializeAsync()
    {
        BuildSentinel();
        var env = new Dictionary<string, string>
        {
            ["Agent__FstabPath"] = FstabPath,
            ["Agent__MountRoot"] = _mounts.Path,
            ["Station__MaxTasksPerUser"] = "5000",
            // Warnings and errors only: the output is where an unhandled exception shows, and it must not be trimmed away.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        for (int i = 0; i < DeniedOnThisMachine.Length; i++) env[$"Agent__DenyKinds__{i}"] = DeniedOnThisMachine[i];
        _station = await StationProcess.StartAsync(new StationSettings { MaxTasks = 5000, Environment = env });
        Admin = await _station.AdminAsync();
        await Admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        BuildRoot(_station.StationRoot);
        StationRoots = [.. (await Admin.GetAsync("/api/v1/units/station")).Body.GetProperty("roots").EnumerateArray().Select(r => r.GetString()!)];

        await Admin.CreateUserAsync(OperatorName, OperatorPassword, "Operator", "/units");
        var victim = await Admin.PostJsonAsync("/api/v1/users", new { username = VictimName, password = "Fuzz-Victim-Password-42" });
        Assert.True(victim.Status == HttpStatusCode.Created, victim.ToString());
        Operator = await ApiClient.SignInAsync(_station.BaseUrl, OperatorName, OperatorPassword);

        var credentials = new Dictionary<string, string>();
        foreach (var unit in FakeUnits) credentials[unit] = await Admin.EnrolCredentialAsync(unit);
        _ = await Admin.EnrolCredentialAsync(NeverConnected);
        Credentials = credentials;
        // fuzz-unit-a is an ordinary online unit (tasks for it are admitted and sent); the hub fuzz attacks as fuzz-unit-b.
        _unitA = new HubSession(_station.BaseUrl, "fuzz-unit-a", credentials["fuzz-unit-a"]);
        using (var cts = new CancellationTokenSource(Timeouts.Request)) await _unitA.AnnounceAsync([FakeUnitARoot], cts.Token);
        await Admin.WaitUnitStatusAsync("fuzz-unit-a", "online", Timeouts.UnitOnline);

        using var anonymous = ApiClient.Anonymous(_station.BaseUrl);
        OpenApi = (await anonymous.GetAsync("/openapi/v1.json")).Body;

        // A few real tasks, so ids in the fuzz name tasks that exist (of the admin, of the operator, on the station).
        for (int i = 0; i < 3; i++)
        {
            RememberTask(await Admin.StartAsync("fs.checksum", "station", new { path = Path.Combine(_station.StationRoot, "a") }));
            RememberTask(await Operator.StartAsync("fs.list", "station", new { path = _station.StationRoot }));
        }

        World = new FuzzWorld(
            _station.StationRoot,
            SentinelDir,
            PwnedMarker,
            ["station", .. FakeUnits, NeverConnected, "no-such-unit"],
            () => [.. _taskIds.Keys],
            MemberNames(OpenApi),
            [VictimName, "nobody", "root", "@fuzz-group", "@everyone"]);

        _sentinelHash = HashTree(SentinelDir);
        _hostHash = HashFiles("/etc/passwd", "/etc/group", "/etc/hostname", FstabPath);
        _swapper = Task.Run(() => SwapLinkAsync(_station.StationRoot, _stop.Token));
    }

    /// <summary>A file no test creates: a shell injection anywhere would make it exist.</summary>
    public string PwnedMarker => Path.Combine(_outside.Path, "pwned");

    private void BuildSentinel()
    {
        Directory.CreateDirectory(Path.Combine(SentinelDir, "sub"));
        File.WriteAllText(Path.Combine(SentinelDir, "a"), "sentinel a: must never change");
        File.WriteAllText(Path.Combine(SentinelDir, "file.txt"), "sentinel file.txt: must never change");
        File.WriteAllText(Path.Combine(SentinelDir, "sub", "b"), "sentinel b: must never change");
        File.WriteAllText(FstabPath, "# the fuzz station's fstab: must never change\n");
    }

    /// <summary>Ordinary entries, then the links: out of the root, to a file outside, to itself, to nothing, and the swapped one.</summary>
    private void BuildRoot(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "dir", "a"));
        Directory.CreateDirectory(Path.Combine(root, "inside"));
        File.WriteAllText(Path.Combine(root, "a"), "a file inside the root");
        File.WriteAllText(Path.Combine(root, "dir", "file.txt"), "another");
        File.CreateSymbolicLink(Path.Combine(root, "escape"), SentinelDir);
        File.CreateSymbolicLink(Path.Combine(root, "escape-file"), Path.Combine(SentinelDir, "a"));
        File.CreateSymbolicLink(Path.Combine(root, "loop"), Path.Combine(root, "loop"));
        File.CreateSymbolicLink(Path.Combine(root, "dangling"), Path.Combine(_outside.Path, "nothing-here"));
        File.CreateSymbolicLink(Path.Combine(root, "swap"), Path.Combine(root, "inside"));
    }

    /// <summary>
    /// Swaps <c>root/swap</c> between a directory inside the root and the sentinel directory, atomically (rename over
    /// it), as fast as it can: a check made on one target and a use made on the other would touch the sentinel.
    /// </summary>
    private async Task SwapLinkAsync(string root, CancellationToken stop)
    {
        string link = Path.Combine(root, "swap");
        string temp = Path.Combine(root, ".swap-next");
        string[] targets = [Path.Combine(root, "inside"), SentinelDir];
        int i = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (new FileInfo(temp).LinkTarget is not null) File.Delete(temp);
                File.CreateSymbolicLink(temp, targets[++i % 2]);
                // rename(2) replaces the link atomically; File.Move refuses a link to a directory as its source.
                if (Rename(temp, link) == 0) SwapCount++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            try { await Task.Delay(1, stop); }
            catch (OperationCanceledException) { break; }
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str)")]
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string from,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string to);

    /// <summary>Every member name any schema of the OpenAPI document has (bodies, kinds' parameters), so bodies reach deep validation.</summary>
    private static string[] MemberNames(JsonElement openApi)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { "kind", "target", "parameters", "waitSeconds", "username", "password", "path", "subject", "role", "note", "token", "unit" };
        if (openApi.TryGetProperty("components", out var c) && c.TryGetProperty("schemas", out var schemas))
            foreach (var schema in schemas.EnumerateObject())
                if (schema.Value.TryGetProperty("properties", out var props))
                    foreach (var p in props.EnumerateObject()) names.Add(p.Name);
        return [.. names];
    }

    /// <summary>
    /// After a fuzz phase: the station runs and is healthy, printed no unhandled exception, the sentinel tree and the host's
    /// files are unchanged, no injection ran, the store passes its integrity check and every held lock belongs to a live task.
    /// </summary>
    public async Task AssertIntactAsync(Action<string> log)
    {
        Assert.False(Station.HasExited, $"the station process exited\n{Station.Output}");
        using (var anonymous = ApiClient.Anonymous(Station.BaseUrl))
        {
            var health = await anonymous.GetAsync("/healthz");
            Assert.True(health.Status == HttpStatusCode.OK, $"/healthz: {health}");
        }
        var crashes = CrashReports(Station.Output);
        Assert.True(crashes.Count == 0, $"the station logged {crashes.Count} unexpected exception(s):\n{string.Join("\n---\n", crashes.Take(5))}");

        await DrainAsync(log);
        await _stop.CancelAsync();
        if (_swapper is not null) await _swapper;
        try
        {
            await CheckFilesAndStoreAsync(log);
        }
        finally
        {
            // The next phase attacks the swapped link again.
            _stop.Dispose();
            _stop = new CancellationTokenSource();
            _swapper = Task.Run(() => SwapLinkAsync(Station.StationRoot, _stop.Token));
        }
    }

    private async Task CheckFilesAndStoreAsync(Action<string> log)
    {
        Assert.False(File.Exists(PwnedMarker), $"a shell injection ran: {PwnedMarker} exists");
        Assert.True(_sentinelHash == HashTree(SentinelDir), $"a file outside the roots changed: {SentinelDir}\nbefore: {_sentinelHash}\nafter:  {HashTree(SentinelDir)}");
        Assert.True(_hostHash == HashFiles("/etc/passwd", "/etc/group", "/etc/hostname", FstabPath), "/etc/passwd, /etc/group, /etc/hostname or the fstab changed");

        await using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Station.DatabasePath, Mode = SqliteOpenMode.ReadOnly }.ToString()))
        {
            await db.OpenAsync();
            await using var check = db.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            var integrity = (string?)await check.ExecuteScalarAsync();
            Assert.Equal("ok", integrity);
            check.CommandText = "PRAGMA foreign_key_check";
            await using var reader = await check.ExecuteReaderAsync();
            Assert.False(await reader.ReadAsync(), "PRAGMA foreign_key_check found rows that point nowhere");
        }

        var locks = await Admin.GetAsync("/api/v1/locks");
        Assert.True(locks.Status == HttpStatusCode.OK, locks.ToString());
        foreach (var held in locks.Body.GetProperty("held").EnumerateArray())
        {
            long id = held.GetProperty("taskId").GetInt64();
            var task = await Admin.TaskAsync(id);
            string state = task.GetProperty("state").GetString()!;
            Assert.True(!ApiClient.EndStates.Contains(state), $"task {id} is {state} but still holds {held}");
        }
        log($"intact: healthy, no unexpected exception, sentinel unchanged after {SwapCount:N0} link swaps, store integrity ok, {locks.Body.GetProperty("held").GetArrayLength()} held lock(s) all of live tasks");
    }

    /// <summary>Cancels what the fuzz left running (holds, waits) and waits until nothing is dispatched or running, at most 30 s.</summary>
    private async Task DrainAsync(Action<string> log)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int cancelled = 0;
        while (!cts.IsCancellationRequested)
        {
            var list = await Admin.GetAsync("/api/v1/tasks?limit=1000");
            // Only the station's own unit runs anything; the fake units' tasks stay dispatched and hold nothing of the station's.
            var active = list.Body.EnumerateArray().Where(t => !ApiClient.EndStates.Contains(t.GetProperty("state").GetString()) && t.GetProperty("target").GetString() == "station").ToList();
            if (active.Count == 0) break;
            foreach (var t in active.Where(t => t.GetProperty("state").GetString() != "cancelling"))
            {
                var cancel = await Admin.PostJsonAsync($"/api/v1/tasks/{t.GetProperty("id").GetInt64()}/cancel", null);
                if (cancel.Status == HttpStatusCode.OK) cancelled++;
            }
            await Task.Delay(500);
        }
        log($"drained: {cancelled} task(s) still active on the station were cancelled");
    }

    /// <summary>Each exception nobody handled, with the lines that follow it (its stack).</summary>
    public static List<string> CrashReports(string output)
    {
        var lines = output.Split('\n');
        return [.. lines.Select((l, i) => (l, i)).Where(x => IsCrash(x.l)).Select(x => string.Join('\n', lines.Skip(x.i).Take(16)))];
    }

    /// <summary>Lines that show an exception nobody handled: the framework's unhandled-exception log, the hub filter's, a crash.</summary>
    public static bool IsCrash(string l) =>
            l.Contains("An unhandled exception has occurred", StringComparison.Ordinal) ||
            l.Contains("Unhandled exception", StringComparison.Ordinal) ||
            (l.Contains("Agent call ", StringComparison.Ordinal) && l.Contains(" failed", StringComparison.Ordinal)) ||
            l.Contains("Error when dispatching", StringComparison.Ordinal);

    /// <summary>Names, types, modes, sizes, times and contents of everything under <paramref name="dir"/>, links not followed.</summary>
    private static string HashTree(string dir)
    {
        var text = new StringBuilder();
        foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            text.Append(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(dir, path)}|{info.Attributes}|{info.LinkTarget}|{info.UnixFileMode}|{info.LastWriteTimeUtc.Ticks}");
            if (info.LinkTarget is null && !info.Attributes.HasFlag(FileAttributes.Directory))
                text.Append('|').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
            text.Append('\n');
        }
        var dirInfo = new DirectoryInfo(dir);
        text.Append(CultureInfo.InvariantCulture, $".|{dirInfo.UnixFileMode}|{dirInfo.LastWriteTimeUtc.Ticks}");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string HashFiles(params string[] paths) =>
        string.Join(",", paths.Select(p => File.Exists(p) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))[..16] : "absent"));

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_swapper is not null) await _swapper;
        if (_unitA is not null) await _unitA.DisposeAsync();
        Admin?.Dispose();
        Operator?.Dispose();
        if (_station is not null) await _station.DisposeAsync();
        _outside.Dispose();
        _mounts.Dispose();
        _stop.Dispose();
    }
}
