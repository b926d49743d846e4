using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Station.Core.Transfers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Uploads;

/// <summary>What <c>POST /api/v1/uploads</c> answers (JSON camelCase).</summary>
public sealed record UploadView(string UploadId, long Size, string Sha256, DateTimeOffset ExpiresAt);

/// <summary>One stored upload, as its sidecar <c>{id}.json</c> keeps it across a station restart.</summary>
public sealed record UploadRecord(string Id, string Owner, long Size, string Sha256, DateTimeOffset ExpiresAt)
{
    public UploadView View => new(Id, Size, Sha256, ExpiresAt);
}

/// <summary>
/// Files users upload to the station for a later task (<c>fs.write {uploadId}</c>): streamed to
/// <c>{DataDirectory}/uploads/{id}</c> a buffer at a time and hashed on the way, never held whole in memory,
/// limited by Transfers:MaxUploadBytes, owned by the uploader, deleted once a task used it or when it expires.
/// </summary>
public sealed partial class UploadStore
{
    private const int BufferSize = 1 << 20;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, UploadRecord> _uploads = new(StringComparer.Ordinal);
    private readonly TransferOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<UploadStore> _logger;

    public UploadStore(IOptions<StationOptions> station, IOptions<TransferOptions> options, TimeProvider time, ILogger<UploadStore> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        Directory = Path.Combine(Path.GetFullPath(station.Value.DataDirectory), "uploads");
        System.IO.Directory.CreateDirectory(Directory);
        Load();
    }

    public string Directory { get; }

    public long MaxBytes => _options.MaxUploadBytes;

    public TimeSpan Lifetime => TimeSpan.FromMinutes(_options.UploadMinutes);

    /// <summary>Streams <paramref name="body"/> into a new upload of <paramref name="owner"/>; too large is refused (413) and leaves nothing behind.</summary>
    public async Task<Outcome<UploadView>> SaveAsync(Stream body, long? declaredLength, string owner, CancellationToken ct)
    {
        if (declaredLength is { } declared && declared > MaxBytes) return TooLarge($"the upload is {declared:N0} bytes");
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string temp = DataPath(id) + ".part";
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > MaxBytes) return TooLarge("the upload is larger than that");
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
                if (declaredLength is { } expected && size != expected)
                    return StationError.BadRequest($"the upload ended after {size:N0} of the {expected:N0} bytes announced; nothing was kept");
                file.Flush(flushToDisk: true);
            }
            var record = new UploadRecord(id, owner, size, Convert.ToHexStringLower(hash.GetHashAndReset()), _time.GetUtcNow() + Lifetime);
            File.Move(temp, DataPath(id));
            try { WriteSidecar(record); }
            catch
            {
                File.Delete(DataPath(id));
                throw;
            }
            _uploads[id] = record;
            LogStored(id, owner, size);
            return record.View;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            File.Delete(temp);
        }
    }

    /// <summary>
    /// <paramref name="owner"/>'s upload <paramref name="id"/>, or why it cannot be used: unknown or expired is
    /// NotFound, another user's is Forbidden.
    /// </summary>
    public Outcome<UploadRecord> Find(string? id, string owner)
    {
        if (Get(id) is not { } upload)
            return StationError.NotFound($"upload '{id}' does not exist or has expired (uploads are kept {_options.UploadMinutes} minutes); upload the file again with POST /api/v1/uploads");
        if (upload.Owner != owner)
            return StationError.Forbidden($"upload '{id}' belongs to another user; only the user who uploaded a file may use it");
        return upload;
    }

    /// <summary>The upload by id alone (for a ticket that already names it), or null when it is unknown or expired.</summary>
    public UploadRecord? Get(string? id) => IsId(id) && _uploads.TryGetValue(id!, out var u) && !Expired(u) ? u : null;

    /// <summary>Keeps an upload at least until <paramref name="until"/>: a dispatched task may pull it until its ticket runs out.</summary>
    public void KeepUntil(string id, DateTimeOffset until)
    {
        if (!_uploads.TryGetValue(id, out var upload) || upload.ExpiresAt >= until) return;
        var kept = upload with { ExpiresAt = until };
        if (_uploads.TryUpdate(id, kept, upload)) WriteSidecar(kept);
    }

    /// <summary>Where the bytes of upload <paramref name="id"/> lie; ids are 32 hex digits, so nothing else can be named.</summary>
    public string DataPath(string id) => IsId(id)
        ? Path.Combine(Directory, id)
        : throw new ArgumentException($"'{id}' is not an upload id", nameof(id));

    public bool Delete(string id, string reason)
    {
        if (!IsId(id) || !_uploads.TryRemove(id, out _)) return false;
        File.Delete(DataPath(id));
        File.Delete(SidecarPath(id));
        LogDeleted(id, reason);
        return true;
    }

    /// <summary>Deletes every expired upload; returns how many.</summary>
    public int Sweep()
    {
        int deleted = 0;
        foreach (var upload in _uploads.Values)
            if (Expired(upload) && Delete(upload.Id, "expired")) deleted++;
        return deleted;
    }

    private StationError TooLarge(string what) =>
        StationError.TooLarge($"{what}; this station accepts uploads of at most {MaxBytes:N0} bytes (Transfers:MaxUploadBytes)");

    private bool Expired(UploadRecord upload) => _time.GetUtcNow() >= upload.ExpiresAt;

    private static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    private string SidecarPath(string id) => DataPath(id) + ".json";

    private void WriteSidecar(UploadRecord record)
    {
        string next = SidecarPath(record.Id) + ".new";
        File.WriteAllText(next, JsonSerializer.Serialize(record, Json));
        File.Move(next, SidecarPath(record.Id), overwrite: true);
    }

    /// <summary>Takes back the uploads a restart left; expired ones, interrupted ones and strays are deleted.</summary>
    private void Load()
    {
        foreach (var sidecar in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            UploadRecord? record;
            try { record = JsonSerializer.Deserialize<UploadRecord>(File.ReadAllText(sidecar), Json); }
            catch (JsonException) { record = null; }
            if (record is not null && IsId(record.Id) && sidecar == SidecarPath(record.Id) && File.Exists(DataPath(record.Id)) && !Expired(record))
                _uploads[record.Id] = record;
        }
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            string name = Path.GetFileName(file);
            string id = name.Split('.')[0];
            bool kept = _uploads.ContainsKey(id) && (name == id || name == id + ".json");
            if (!kept) File.Delete(file);
        }
    }

    [LoggerMessage(1100, LogLevel.Information, "Upload {UploadId} of {Owner} stored: {Size} bytes")]
    private partial void LogStored(string uploadId, string owner, long size);

    [LoggerMessage(1101, LogLevel.Information, "Upload {UploadId} deleted: {Reason}")]
    private partial void LogDeleted(string uploadId, string reason);
}
