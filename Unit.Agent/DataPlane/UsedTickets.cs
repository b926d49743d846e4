using Ccdsvm.Shared.Contracts.Tickets;
using System.Security.Cryptography;
using System.Text;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Makes transfer tickets single-use on this unit. The first request with a ticket claims it: its id is written
/// (and synced) to <c>used-transfer-tickets</c> in the state directory until the ticket expires, so neither a
/// second presentation nor one after a restart opens it again, and the answer carries a session secret. The
/// rest of that transfer (more files of a tree, ranges of a resume, the hash, the deletion) presents the ticket
/// with that secret. A session lives while it is used at least every <see cref="SessionIdle"/>; it is kept in
/// memory only, so after a restart of this unit the destination must get a fresh ticket (retry the task).
/// </summary>
public sealed class UsedTickets
{
    public const string FileName = "used-transfer-tickets";
    private const int MaxIdLength = 64;

    private readonly object _gate = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private int _lines;

    private sealed record Session(byte[] SecretHash, DateTimeOffset LastUse);

    public UsedTickets(string stateDirectory, TimeSpan sessionIdle, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        SessionIdle = sessionIdle;
        // The state directory holds the unit's credential: only the agent may enter it, whoever creates it first.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(stateDirectory);
        else Directory.CreateDirectory(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _path = Path.Combine(stateDirectory, FileName);
        Load();
    }

    public TimeSpan SessionIdle { get; }

    /// <summary>Records the first use of <paramref name="ticket"/> and returns the session secret for the rest of the transfer.</summary>
    public string Claim(TransferTicket ticket)
    {
        string id = IdOf(ticket);
        var now = _time.GetUtcNow();
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            Prune(now);
            if (_used.ContainsKey(id))
                throw new TicketRefusedException($"the transfer ticket {id} was already used; a ticket opens one transfer only (the task asks the station for a new one when it is retried)");
            Append(id, ticket.ExpiresAt);
            _used[id] = ticket.ExpiresAt;
            _sessions[id] = new Session(SHA256.HashData(Encoding.ASCII.GetBytes(secret)), now);
        }
        return secret;
    }

    /// <summary>Accepts a later request of a claimed transfer: the session secret must be the one given at the claim.</summary>
    public void Continue(TransferTicket ticket, string secret)
    {
        string id = IdOf(ticket);
        var now = _time.GetUtcNow();
        byte[] hash = SHA256.HashData(Encoding.ASCII.GetBytes(secret));
        lock (_gate)
        {
            if (!_sessions.TryGetValue(id, out var session) || now - session.LastUse > SessionIdle)
                throw new TicketRefusedException($"the transfer session of ticket {id} is unknown or idle for too long (or this unit restarted); retry the task for a fresh ticket");
            if (!CryptographicOperations.FixedTimeEquals(hash, session.SecretHash))
                throw new TicketRefusedException($"the session secret does not belong to transfer ticket {id}");
            _sessions[id] = session with { LastUse = now };
        }
    }

    private static string IdOf(TransferTicket ticket) =>
        ticket.Id is { Length: > 0 and <= MaxIdLength } id && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? id
            : throw new TicketRefusedException("the transfer ticket carries no id, so it cannot be used once only; update the station");

    private void Load()
    {
        if (!File.Exists(_path)) return;
        var now = _time.GetUtcNow();
        foreach (var line in File.ReadLines(_path))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && long.TryParse(parts[0], out long until) && !ClockTolerance.Expired(DateTimeOffset.FromUnixTimeSeconds(until), now))
                _used[parts[1]] = DateTimeOffset.FromUnixTimeSeconds(until);
        }
        Compact();
    }

    /// <summary>Appends one claim and syncs it to disk before the transfer may start; a claim that cannot be kept is refused.</summary>
    private void Append(string id, DateTimeOffset until)
    {
        try
        {
            using var file = new FileStream(_path, Private(new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read }));
            // Rounded up, so the record never ends before the ticket does.
            file.Write(Encoding.ASCII.GetBytes($"{(until.ToUnixTimeMilliseconds() + 999) / 1000} {id}\n"));
            file.Flush(flushToDisk: true);
            _lines++;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TicketRefusedException($"this unit cannot record the use of transfer ticket {id} in {_path} ({ex.Message}), so it does not honour it");
        }
    }

    private static FileStreamOptions Private(FileStreamOptions options)
    {
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, until) in _used.Where(e => ClockTolerance.Expired(e.Value, now)).ToList()) _used.Remove(id);
        foreach (var (id, s) in _sessions.Where(e => now - e.Value.LastUse > SessionIdle).ToList()) _sessions.Remove(id);
        if (_lines > 1024 && _lines > 2 * _used.Count) Compact();
    }

    /// <summary>Rewrites the file with the claims still running: written aside, synced, then renamed over.</summary>
    private void Compact()
    {
        string temp = _path + ".tmp";
        using (var file = new FileStream(temp, Private(new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write })))
        {
            foreach (var (id, until) in _used) file.Write(Encoding.ASCII.GetBytes($"{until.ToUnixTimeSeconds() + 1} {id}\n"));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
        _lines = _used.Count;
    }
}
