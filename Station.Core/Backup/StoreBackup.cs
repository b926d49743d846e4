using System.Globalization;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Backup;

/// <summary>
/// Online backups of the station: <c>VACUUM INTO</c> a copy of the live store (readers and the writer go on),
/// <c>PRAGMA integrity_check</c> on the copy, then the copy with the key ring, TLS directory and unit state packed
/// and encrypted with the administrator's passphrase into <c>station-backup-{UTC time}.ccbk</c> (0600) under the
/// backups directory. One backup at a time; each is audited.
/// </summary>
public sealed class StoreBackup(StationDb db, IOptions<StationOptions> station, IOptions<BackupOptions> options, AuditLog audit,
    TimeProvider time, ILogger<StoreBackup> logger)
{
    public const string Action = "station.backup";
    public const string FilePrefix = "station-backup-";
    public const string FileExtension = ".ccbk";
    // One backup at a time; a lock, not a semaphore: the work runs on one thread inside it.
    private readonly object _one = new();

    /// <summary>The directory backups are written to.</summary>
    public string Directory => options.Value.DirectoryFor(station.Value);

    /// <summary>Backs up the station now, for an administrator.</summary>
    public async Task<Outcome<BackupMade>> CreateAsync(Caller caller, string? passphrase, string? address = null, CancellationToken ct = default)
    {
        if (!caller.IsAdmin)
        {
            audit.Write(caller.Name, Action, "station", AuditOutcomes.Refused, "only administrators back up the station", address);
            return StationError.Forbidden($"you ({caller.Name}) may not back up the station: only administrators may");
        }
        if (BackupCipher.PassphraseProblem(passphrase) is { } problem) return StationError.BadRequest(problem);

        try
        {
            var made = await Task.Run(() => { lock (_one) return Write(passphrase!); }, ct).ConfigureAwait(false);
            if (made.Integrity != "ok")
            {
                audit.Write(caller.Name, Action, made.File, AuditOutcomes.Failed, $"the store copy failed its integrity check: {made.Integrity}", address);
                return StationError.StoreUnavailable($"the store copy failed PRAGMA integrity_check ({made.Integrity}); no backup was kept");
            }
            audit.Write(caller.Name, Action, made.File, AuditOutcomes.Succeeded,
                $"{made.Bytes} bytes, sha256 {made.Sha256}, schema {made.SchemaVersion}, with {string.Join(", ", made.Contents)}", address);
            BackupLog.Written(logger, made.File, caller.Name, made.Bytes, made.Sha256);
            return made;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            BackupLog.Failed(logger, ex);
            audit.Write(caller.Name, Action, "station", AuditOutcomes.Failed, ex.Message, address);
            return StationError.StoreUnavailable($"the backup could not be written to {Directory}: {ex.Message}");
        }
    }

    /// <summary>The backups in the directory, oldest first (their names sort by time).</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? [.. System.IO.Directory.EnumerateFiles(Directory, FilePrefix + "*" + FileExtension).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Deletes the oldest backups beyond <paramref name="keep"/>; answers the deleted file names.</summary>
    public IReadOnlyList<string> Prune(int keep)
    {
        var all = List();
        var deleted = new List<string>();
        foreach (var old in all.Take(Math.Max(0, all.Count - keep)))
        {
            File.Delete(old);
            deleted.Add(Path.GetFileName(old));
        }
        return deleted;
    }

    private BackupMade Write(string passphrase)
    {
        string dir = Directory;
        OwnerOnly.CreateDirectory(dir);
        var at = time.GetUtcNow();
        string staging = Path.Combine(dir, ".staging-" + Guid.NewGuid().ToString("N"));
        OwnerOnly.CreateDirectory(staging);
        try
        {
            string copy = Path.Combine(staging, BackupArchive.StoreEntry);
            using (var c = db.Open()) c.Execute("VACUUM INTO @copy", new { copy });
            var (integrity, schema) = BackupArchive.Check(copy);
            if (integrity != "ok") return new BackupMade("", 0, "", integrity, schema, at, []);

            string tar = Path.Combine(staging, "backup.tar");
            IReadOnlyList<string> contents;
            using (var tarStream = OwnerOnly.CreateNew(tar, FileAccess.ReadWrite))
                contents = BackupArchive.Pack(tarStream, copy, Path.GetFullPath(station.Value.DataDirectory));

            string name = FileNameFor(dir, at);
            string partial = Path.Combine(staging, name);
            using (var plain = File.OpenRead(tar))
            using (var sealedFile = OwnerOnly.CreateNew(partial, FileAccess.Write))
            {
                BackupCipher.Encrypt(plain, sealedFile, passphrase, Math.Max(options.Value.Iterations, BackupCipher.DefaultIterations));
                sealedFile.Flush(flushToDisk: true);
            }
            string final = Path.Combine(dir, name);
            File.Move(partial, final);
            string sha;
            using (var read = File.OpenRead(final)) sha = Convert.ToHexStringLower(SHA256.HashData(read));
            return new BackupMade(name, new FileInfo(final).Length, sha, integrity, schema, at, contents);
        }
        finally
        {
            try { System.IO.Directory.Delete(staging, recursive: true); }
            catch (IOException ex) { BackupLog.StagingLeft(logger, ex, staging); }
        }
    }

    private static string FileNameFor(string dir, DateTimeOffset at)
    {
        string stamp = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string name = FilePrefix + stamp + FileExtension;
        for (int n = 2; File.Exists(Path.Combine(dir, name)); n++) name = $"{FilePrefix}{stamp}_{n}{FileExtension}";
        return name;
    }
}
