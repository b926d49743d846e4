using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>
/// Walks /proc/&lt;pid&gt;/stat and keeps the last two scans, so CPU % of a process is its share of one CPU
/// between them. Counts come from every scan; user names and command lines are read only for a full table.
/// </summary>
public sealed class ProcessScanner
{
    internal const double TicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux for every architecture .NET runs on
    private readonly object _gate = new();
    private readonly string _proc;
    private Dictionary<int, ProcStat> _last = [];
    private Dictionary<int, ProcStat> _previous = [];
    private long _lastAt;
    private long _previousAt;
    private Dictionary<int, string>? _users;
    private readonly Dictionary<int, (ulong Ticks, long At)> _threadTicks = [];

    public ProcessScanner(string proc = "/proc") => _proc = proc;

    /// <summary>Scans every process; returns the process and thread counts.</summary>
    public (int Processes, int Threads) Scan()
    {
        var now = new Dictionary<int, ProcStat>(_last.Count + 16);
        foreach (var dir in Directory.EnumerateDirectories(_proc))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
            var stat = ReadStat(Path.Combine(dir, "stat"));
            if (stat is { } s) now[s.Pid] = s;
        }
        lock (_gate)
        {
            _previous = _last;
            _previousAt = _lastAt;
            _last = now;
            _lastAt = Stopwatch.GetTimestamp();
        }
        return (now.Count, now.Values.Sum(p => p.Threads));
    }

    /// <summary>The full process table from the last two scans; scans now when the last scan is stale.</summary>
    public ProcessList Table(long bootTime)
    {
        bool stale;
        lock (_gate) stale = _lastAt == 0 || Stopwatch.GetElapsedTime(_lastAt) > TimeSpan.FromSeconds(3);
        if (stale)
        {
            Scan();
            Thread.Sleep(250);
            Scan();
        }
        Dictionary<int, ProcStat> last, previous;
        double seconds;
        lock (_gate)
        {
            last = _last;
            previous = _previous;
            seconds = Math.Max(0.001, Stopwatch.GetElapsedTime(_previousAt, _lastAt).TotalSeconds);
        }
        var users = _users ??= ReadUsers();
        var list = new List<ProcessInfo>(last.Count);
        foreach (var p in last.Values)
        {
            // A process that started between the scans spent all its ticks inside the window.
            ulong earlier = previous.TryGetValue(p.Pid, out var before) && before.StartTicks == p.StartTicks ? before.CpuTicks : 0;
            double cpu = previous.Count == 0 ? 0 : (p.CpuTicks - Math.Min(p.CpuTicks, earlier)) / TicksPerSecond / seconds * 100;
            int uid = ReadUid(p.Pid);
            string user = uid < 0 ? "?" : users.TryGetValue(uid, out var u) ? u : uid.ToString(CultureInfo.InvariantCulture);
            list.Add(new ProcessInfo(p.Pid, p.Ppid, user, ReadCommand(p.Pid, p.Comm), p.State, Math.Round(cpu, 1),
                p.RssPages * Environment.SystemPageSize, p.Threads,
                DateTimeOffset.FromUnixTimeMilliseconds((long)((bootTime + p.StartTicks / TicksPerSecond) * 1000))));
        }
        return new ProcessList(DateTimeOffset.UtcNow, list);
    }

    /// <summary>The threads of a process from /proc/&lt;pid&gt;/task; CPU % since the previous call for the same thread.</summary>
    public ThreadList Threads(int pid)
    {
        var dir = Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture), "task");
        if (!Directory.Exists(dir)) return new ThreadList(pid, [], $"process {pid} does not exist");
        var threads = new List<ThreadInfo>();
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            foreach (var t in Directory.EnumerateDirectories(dir))
            {
                if (ReadStat(Path.Combine(t, "stat")) is not { } s) continue;
                double cpu = 0;
                if (_threadTicks.TryGetValue(s.Pid, out var before))
                {
                    double secs = Stopwatch.GetElapsedTime(before.At, now).TotalSeconds;
                    if (secs > 0.05) cpu = (s.CpuTicks - Math.Min(s.CpuTicks, before.Ticks)) / TicksPerSecond / secs * 100;
                }
                _threadTicks[s.Pid] = (s.CpuTicks, now);
                threads.Add(new ThreadInfo(s.Pid, s.Comm, s.State, Math.Round(cpu, 1)));
            }
            if (_threadTicks.Count > 10_000) _threadTicks.Clear();
        }
        return new ThreadList(pid, threads, null);
    }

    private static ProcStat? ReadStat(string path)
    {
        try { return ProcFs.ParseProcStat(File.ReadAllText(path)); }
        catch (IOException) { return null; } // the process ended between listing and reading
        catch (UnauthorizedAccessException) { return null; }
    }

    private int ReadUid(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture), "status")))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                var f = line[4..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                return int.Parse(f[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return -1;
    }

    private string ReadCommand(int pid, string comm)
    {
        try
        {
            var bytes = File.ReadAllBytes(Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture), "cmdline"));
            if (bytes.Length == 0) return $"[{comm}]"; // a kernel thread
            for (int i = 0; i < bytes.Length; i++) if (bytes[i] == 0) bytes[i] = (byte)' ';
            var s = Encoding.UTF8.GetString(bytes).TrimEnd();
            return s.Length > 512 ? s[..512] : s;
        }
        catch (IOException) { return comm; }
        catch (UnauthorizedAccessException) { return comm; }
    }

    private static Dictionary<int, string> ReadUsers()
    {
        try { return ProcFs.ParsePasswd(File.ReadAllText("/etc/passwd")); }
        catch (IOException) { return []; }
    }
}
