using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>What a partial file is a copy of; a resume is only taken when all of it still matches.</summary>
public sealed record PartialIdentity(string SourceUnit, string SourcePath, long Size, long MtimeTicks);

/// <summary>The sidecar next to a partial file: its identity and the last offset flushed to disk.</summary>
internal sealed record PartialState(PartialIdentity Identity, long Offset);

/// <summary>
/// A file being received under a temporary name in its final directory (<c>.name.ccdsvm-part</c>), hashed
/// while written, with a sidecar recording the last offset flushed to disk. Commit verifies, fsyncs and
/// renames atomically; Discard removes both; Suspend keeps both so a later attempt resumes.
/// Every write names its offset; aligned writes of a large file go to the device directly (<see cref="DirectIo"/>).
/// </summary>
public sealed class PartialFile : IDisposable
{
    public const string Suffix = ".ccdsvm-part";
    private const long CheckpointBytes = 256L * 1024 * 1024;
    /// <summary>Files smaller than this are written through the page cache: direct I/O pays off on bulk only.</summary>
    private const long DirectMinimum = 8L * 1024 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _final;
    private readonly PartialIdentity _identity;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private SafeFileHandle? _file;
    private bool _direct;
    private long _checkpointed;
    private Task _checkpointing = Task.CompletedTask;

    private PartialFile(string final, PartialIdentity identity)
    {
        _final = final;
        _identity = identity;
        TempPath = TempFor(final);
        SidecarPath = TempPath + ".json";
    }

    public string TempPath { get; }
    public string SidecarPath { get; }
    public long Offset { get; private set; }

    /// <summary>Where an interrupted attempt resumed, or 0 for a fresh start.</summary>
    public long ResumedAt { get; private set; }

    public static string TempFor(string final) => Path.Combine(Path.GetDirectoryName(final)!, "." + Path.GetFileName(final) + Suffix);

    /// <summary>
    /// Opens the partial file, resuming from the sidecar's offset when it describes the same source and the
    /// bytes are there (the hash state is rebuilt by reading them again); otherwise starts from zero.
    /// <paramref name="resumeAt"/> caps the resume: the writer continues there (what it was told earlier), dropping any later bytes.
    /// </summary>
    public static PartialFile Open(string final, PartialIdentity identity, bool restart = false, Action<long, long>? rehashProgress = null, long? resumeAt = null,
        CancellationToken ct = default)
    {
        var part = new PartialFile(final, identity);
        var state = restart ? null : ReadState(part.SidecarPath);
        if (state is not null && state.Identity == identity && File.Exists(part.TempPath) && state.Offset > 0)
        {
            part._file = File.OpenHandle(part.TempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            long offset = Math.Min(Math.Min(state.Offset, resumeAt ?? long.MaxValue), RandomAccess.GetLength(part._file));
            RandomAccess.SetLength(part._file, offset);
            offset = part.Rehash(offset, rehashProgress, ct);
            part.Offset = part.ResumedAt = part._checkpointed = offset;
        }
        else
        {
            File.Delete(part.SidecarPath);
            part._file = File.OpenHandle(part.TempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        }
        part._direct = identity.Size >= DirectMinimum && DirectIo.TrySet(part._file, on: true);
        return part;
    }

    /// <summary>
    /// Appends <paramref name="data"/>: the write to disk (on a pool thread) and the hash run side by side.
    /// Aligned writes go direct while the file is in direct mode; the first unaligned one (the tail) leaves it.
    /// Every <see cref="CheckpointBytes"/> a checkpoint (fsync, then the sidecar) starts in the background and
    /// the next one waits for it, so writing does not stall on the disk.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var file = Handle;
        if (_direct && !DirectIo.Fits(data, Offset)) LeaveDirect();
        bool direct = _direct;
        var write = RandomAccess.WriteAsync(file, data, Offset, ct);
        _hash.AppendData(data.Span);
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (IOException) when (direct)
        {
            // A file system that takes O_DIRECT at open but refuses the write: the same bytes, buffered.
            LeaveDirect();
            await RandomAccess.WriteAsync(file, data, Offset, ct).ConfigureAwait(false);
        }
        Offset += data.Length;
        if (Offset - _checkpointed >= CheckpointBytes && _checkpointing.IsCompleted)
        {
            await _checkpointing.ConfigureAwait(false);
            long at = Offset;
            _checkpointed = at;
            _checkpointing = Task.Run(() => WriteCheckpoint(at), CancellationToken.None);
        }
    }

    /// <summary>Flushes the bytes to disk and records the offset, so a crash loses at most what came after.</summary>
    public void Checkpoint()
    {
        _checkpointing.GetAwaiter().GetResult();
        WriteCheckpoint(Offset);
        _checkpointed = Offset;
    }

    /// <summary>Every byte before <paramref name="offset"/> has been written; fsync makes them durable before the sidecar says so.</summary>
    private void WriteCheckpoint(long offset)
    {
        RandomAccess.FlushToDisk(Handle);
        string tmp = SidecarPath + ".new";
        File.WriteAllText(tmp, JsonSerializer.Serialize(new PartialState(_identity, offset), Json));
        File.Move(tmp, SidecarPath, overwrite: true);
    }

    private void SettleCheckpoint()
    {
        try { _checkpointing.GetAwaiter().GetResult(); }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException) { }
        _checkpointing = Task.CompletedTask;
    }

    /// <summary>
    /// Verifies against <paramref name="expectedSha"/> (when given), fsyncs, applies mode and mtime, and renames
    /// over the final name atomically. Returns the SHA-256 of what was written.
    /// </summary>
    public string Commit(string? expectedSha, UnixFileMode? mode, DateTime? mtimeUtc, bool overwrite)
    {
        _checkpointing.GetAwaiter().GetResult();
        string sha = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (expectedSha is not null && !string.Equals(sha, expectedSha, StringComparison.OrdinalIgnoreCase))
        {
            Discard();
            throw new TaskFailureException($"integrity check failed for '{_final}': the source's SHA-256 is {expectedSha}, the received bytes hash to {sha}; the partial file was removed");
        }
        RandomAccess.FlushToDisk(Handle);
        _file!.Dispose();
        _file = null;
        if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(TempPath, m);
        if (mtimeUtc is { } t) File.SetLastWriteTimeUtc(TempPath, t);
        try
        {
            File.Move(TempPath, _final, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(_final))
        {
            Discard();
            throw TaskFailureException.Conflict($"'{_final}' appeared while the copy ran and overwrite is false; it was left untouched");
        }
        File.Delete(SidecarPath);
        return sha;
    }

    /// <summary>Keeps the partial file and its sidecar for a later resume.</summary>
    public void Suspend()
    {
        if (_file is null) return;
        Checkpoint();
        _file.Dispose();
        _file = null;
    }

    public void Discard()
    {
        SettleCheckpoint();
        _file?.Dispose();
        _file = null;
        File.Delete(TempPath);
        File.Delete(SidecarPath);
        File.Delete(SidecarPath + ".new");
    }

    /// <summary>Drops the open stream without deciding; what stays on disk is what the last checkpoint says.</summary>
    public void Dispose()
    {
        SettleCheckpoint();
        _file?.Dispose();
        _file = null;
        _hash.Dispose();
    }

    /// <summary>Whether aligned writes currently bypass the page cache (for tests and diagnostics).</summary>
    internal bool Direct => _direct;

    private SafeFileHandle Handle => _file ?? throw new ObjectDisposedException(nameof(PartialFile));

    private void LeaveDirect()
    {
        _direct = false;
        DirectIo.TrySet(Handle, on: false);
    }

    /// <summary>Rebuilds the hash state from the first <paramref name="length"/> bytes; returns how many were there.</summary>
    private long Rehash(long length, Action<long, long>? progress, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        long done = 0;
        while (done < length)
        {
            ct.ThrowIfCancellationRequested();
            int read = RandomAccess.Read(_file!, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done)), done);
            if (read == 0) break;
            _hash.AppendData(buffer, 0, read);
            done += read;
            progress?.Invoke(done, length);
        }
        if (done < length) RandomAccess.SetLength(_file!, done);
        return done;
    }

    /// <summary>What a suspended partial of <paramref name="final"/> holds (its identity and the bytes on disk), without opening it; null when none.</summary>
    public static (PartialIdentity Identity, long Offset)? Peek(string final)
    {
        string temp = TempFor(final);
        if (ReadState(temp + ".json") is not { } state || !File.Exists(temp)) return null;
        return (state.Identity, Math.Min(state.Offset, new FileInfo(temp).Length));
    }

    private static PartialState? ReadState(string sidecar)
    {
        try { return File.Exists(sidecar) ? JsonSerializer.Deserialize<PartialState>(File.ReadAllText(sidecar), Json) : null; }
        catch (JsonException) { return null; }
    }
}
