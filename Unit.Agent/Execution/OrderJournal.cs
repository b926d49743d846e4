using Ccdsvm.Shared.Contracts.Tickets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>What the unit knows of one task id: when it received the order and, once it ended, its outcome.</summary>
public sealed record JournalEntry(long TaskId, DateTimeOffset ReceivedAt, TaskResult? Outcome);

/// <summary>
/// The agent's durable record (<c>orders.jsonl</c> in its state directory, mode 0600): the task ids it received,
/// their final outcomes and the ticket nonces it has used, one JSON line each, synced to disk before the agent
/// acknowledges an order, starts it or reports its end. It makes an order run at most once across agent restarts,
/// and a ticket usable once. A torn last line (a crash mid-write) is ignored; old entries are dropped at start.
/// </summary>
public sealed class OrderJournal : ISeenNonces, IDisposable
{
    public const string FileName = "orders.jsonl";

    /// <summary>Ended tasks are remembered this long: the station re-sends an order within minutes, not weeks.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly object _gate = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Dictionary<long, JournalEntry> _tasks = [];
    private readonly Dictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    private readonly List<Line> _pending = [];
    private FileStream _file;
    private string? _station;
    private int _linesSinceRewrite;
    private DateTimeOffset _noncesForgotten;

    /// <summary>After this many appended lines the file is written afresh without what is no longer kept.</summary>
    private const int RewriteAfterLines = 100_000;

    public OrderJournal(string directory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _path = Path.Combine(directory, FileName);
        Load();
        _file = Rewrite();
    }

    public string FilePath => _path;

    /// <summary>
    /// Ties the record to the station whose key the unit pinned: task ids and nonces mean something only to the
    /// station that issued them, so a record kept for another station (a new store, a re-enrolment) is dropped.
    /// </summary>
    public void BindTo(string stationPublicKey)
    {
        string id = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stationPublicKey)));
        lock (_gate)
        {
            if (_station == id) return;
            if (_station is not null || _tasks.Count > 0 || _nonces.Count > 0)
            {
                _tasks.Clear();
                _nonces.Clear();
            }
            _station = id;
            _pending.Clear();
            _file.Dispose();
            _file = Rewrite();
        }
    }

    public JournalEntry? Find(long taskId)
    {
        lock (_gate) return _tasks.GetValueOrDefault(taskId);
    }

    /// <summary>Marks a ticket's nonce used; false when it was used before (also before a restart). Kept on disk at the next <see cref="Sync"/>.</summary>
    public bool TryUse(string nonce, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now - _noncesForgotten > TimeSpan.FromMinutes(1))
            {
                _noncesForgotten = now;
                foreach (var (n, x) in _nonces.ToList()) if (Expired(x, now)) _nonces.Remove(n);
            }
            if (!_nonces.TryAdd(nonce, expiresAt)) return false;
            _pending.Add(new Line("n", Nonce: nonce, At: expiresAt));
            return true;
        }
    }

    /// <summary>Records that the order for <paramref name="taskId"/> was received and is about to run; on disk when this returns.</summary>
    public void Received(long taskId)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _tasks[taskId] = new JournalEntry(taskId, now, null);
            _pending.Add(new Line("r", Id: taskId, At: now));
            WritePending();
        }
    }

    /// <summary>Records a task's final outcome; on disk when this returns.</summary>
    public void Ended(TaskResult result)
    {
        lock (_gate)
        {
            var received = _tasks.TryGetValue(result.TaskId, out var e) ? e.ReceivedAt : result.At;
            _tasks[result.TaskId] = new JournalEntry(result.TaskId, received, result);
            _pending.Add(new Line("e", Id: result.TaskId, At: result.At, Outcome: result.Outcome, Result: result.ResultJson, Error: result.Error, ErrorKind: KindOf(result)));
            WritePending();
        }
    }

    /// <summary>Writes and syncs what is pending (the nonce of a refused order).</summary>
    public void Sync()
    {
        lock (_gate) WritePending();
    }

    private void WritePending()
    {
        if (_pending.Count == 0) return;
        foreach (var line in _pending) _file.Write(Serialize(line));
        _linesSinceRewrite += _pending.Count;
        _pending.Clear();
        _file.Flush(flushToDisk: true);
        if (_linesSinceRewrite < RewriteAfterLines) return;
        _file.Dispose();
        _file = Rewrite();
    }

    private static byte[] Serialize(Line line) => JsonSerializer.SerializeToUtf8Bytes(line, Json).Append((byte)'\n').ToArray();

    private static bool Expired(DateTimeOffset expiresAt, DateTimeOffset now) => ClockTolerance.Expired(expiresAt, now);

    private void Load()
    {
        if (!File.Exists(_path)) return;
        foreach (var text in File.ReadLines(_path))
        {
            Line? line;
            try { line = JsonSerializer.Deserialize<Line>(text, Json); }
            catch (JsonException) { continue; }
            switch (line)
            {
                case { Kind: "s", Nonce: { } station }: _station = station; break;
                case { Kind: "n", Nonce: { } n, At: { } x }: _nonces[n] = x; break;
                case { Kind: "r", Id: { } id, At: { } at }: _tasks[id] = new JournalEntry(id, at, null); break;
                case { Kind: "e", Id: { } id, At: { } at, Outcome: { } o }:
                    var received = _tasks.TryGetValue(id, out var e) ? e.ReceivedAt : at;
                    _tasks[id] = new JournalEntry(id, received, new TaskResult(id, o, line.Result, line.Error, at, line.ErrorKind ?? TaskErrorKind.None));
                    break;
            }
        }
    }

    /// <summary>Writes what is still worth keeping to a new file, synced, and puts it in place of the old one; returns it open for appending.</summary>
    private FileStream Rewrite()
    {
        var now = _time.GetUtcNow();
        foreach (var (n, x) in _nonces.ToList()) if (Expired(x, now)) _nonces.Remove(n);
        foreach (var (id, e) in _tasks.ToList()) if ((e.Outcome?.At ?? e.ReceivedAt) < now - Keep) _tasks.Remove(id);
        _linesSinceRewrite = 0;
        string temp = _path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temp, options))
        {
            if (_station is not null) file.Write(Serialize(new Line("s", Nonce: _station)));
            foreach (var (n, x) in _nonces) file.Write(Serialize(new Line("n", Nonce: n, At: x)));
            foreach (var e in _tasks.Values.OrderBy(e => e.TaskId))
            {
                file.Write(Serialize(new Line("r", Id: e.TaskId, At: e.ReceivedAt)));
                if (e.Outcome is { } o) file.Write(Serialize(new Line("e", Id: e.TaskId, At: o.At, Outcome: o.Outcome, Result: o.ResultJson, Error: o.Error, ErrorKind: KindOf(o))));
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>A result's error kind as a line keeps it: absent where there is none (a success, or an older line).</summary>
    private static TaskErrorKind? KindOf(TaskResult result) => result.ErrorKind == TaskErrorKind.None ? null : result.ErrorKind;

    public void Dispose()
    {
        lock (_gate) _file.Dispose();
    }

    /// <summary>One line of the file: "s" the station it belongs to (Nonce: the SHA-256 of its key), "n" a used nonce (At: its expiry), "r" an order received, "e" a task's end (with its error kind, when it failed).</summary>
    private sealed record Line(
        [property: JsonPropertyName("k")] string Kind,
        long? Id = null,
        DateTimeOffset? At = null,
        string? Nonce = null,
        TaskOutcome? Outcome = null,
        string? Result = null,
        string? Error = null,
        TaskErrorKind? ErrorKind = null);
}
