using System.Security.Cryptography;
using System.Text.Json;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>What a partial file is a copy of; a resume is only taken when all of it still matches.</summary>
public sealed record PartialIdentity(string SourceUnit, string SourcePath, long Size, long MtimeTicks);

/// <summary>The sidecar next to a partial file: its identity and the last offset flushed to disk.</summary>
internal sealed record PartialState(PartialIdentity Identity, long Offset);

/// <summary>
/// A file being received under a temporary name in its final directory (<c>.name.ccdsvm-part</c>), hashed
/// while written, with a sidecar recording the last offset flushed to disk. Commit verifies, fsyncs and
/// renames atomically; Discard removes both; Suspend keeps both so a later attempt resumes.
/// </summary>
public sealed class PartialFile : IDisposable
{
    public const string Suffix = ".ccdsvm-part";
    private const long CheckpointBytes = 256L * 1024 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _final;
    private readonly PartialIdentity _identity;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private FileStream? _stream;
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
    /// </summary>
    public static PartialFile Open(string final, PartialIdentity identity, bool restart = false, Action<long, long>? rehashProgress = null, CancellationToken ct = default)
    {
        var part = new PartialFile(final, identity);
        var state = restart ? null : ReadState(part.SidecarPath);
        if (state is not null && state.Identity == identity && File.Exists(part.TempPath) && state.Offset > 0)
        {
            part._stream = new FileStream(part.TempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            long offset = Math.Min(state.Offset, part._stream.Length);
            part._stream.SetLength(offset);
            part.Rehash(offset, rehashProgress, ct);
            part.Offset = part.ResumedAt = part._checkpointed = offset;
            return part;
        }
        File.Delete(part.SidecarPath);
        part._stream = new FileStream(part.TempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        return part;
    }

    /// <summary>
    /// Appends <paramref name="data"/>: the write to disk and the hash run side by side. Every
    /// <see cref="CheckpointBytes"/> a checkpoint (fsync, then the sidecar) starts in the background and the
    /// next one waits for it, so writing does not stall on the disk.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var write = Stream.WriteAsync(data, ct);
        _hash.AppendData(data.Span);
        await write.ConfigureAwait(false);
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
        Stream.Flush(flushToDisk: true);
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
            throw new TaskFailure($"integrity check failed for '{_final}': the source's SHA-256 is {expectedSha}, the received bytes hash to {sha}; the partial file was removed");
        }
        Stream.Flush(flushToDisk: true);
        _stream!.Dispose();
        _stream = null;
        if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(TempPath, m);
        if (mtimeUtc is { } t) File.SetLastWriteTimeUtc(TempPath, t);
        try
        {
            File.Move(TempPath, _final, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(_final))
        {
            Discard();
            throw new TaskFailure($"'{_final}' appeared while the copy ran and overwrite is false; it was left untouched");
        }
        File.Delete(SidecarPath);
        return sha;
    }

    /// <summary>Keeps the partial file and its sidecar for a later resume.</summary>
    public void Suspend()
    {
        if (_stream is null) return;
        Checkpoint();
        _stream.Dispose();
        _stream = null;
    }

    public void Discard()
    {
        SettleCheckpoint();
        _stream?.Dispose();
        _stream = null;
        File.Delete(TempPath);
        File.Delete(SidecarPath);
        File.Delete(SidecarPath + ".new");
    }

    /// <summary>Drops the open stream without deciding; what stays on disk is what the last checkpoint says.</summary>
    public void Dispose()
    {
        SettleCheckpoint();
        _stream?.Dispose();
        _stream = null;
        _hash.Dispose();
    }

    private FileStream Stream => _stream ?? throw new ObjectDisposedException(nameof(PartialFile));

    private void Rehash(long length, Action<long, long>? progress, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        _stream!.Position = 0;
        long done = 0;
        while (done < length)
        {
            ct.ThrowIfCancellationRequested();
            int read = _stream.Read(buffer, 0, (int)Math.Min(buffer.Length, length - done));
            if (read == 0) break;
            _hash.AppendData(buffer, 0, read);
            done += read;
            progress?.Invoke(done, length);
        }
        _stream.Position = done;
    }

    private static PartialState? ReadState(string sidecar)
    {
        try { return File.Exists(sidecar) ? JsonSerializer.Deserialize<PartialState>(File.ReadAllText(sidecar), Json) : null; }
        catch (JsonException) { return null; }
    }
}
