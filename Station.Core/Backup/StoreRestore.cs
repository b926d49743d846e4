using Ccdsvm.Station.Core.Store;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Backup;

/// <summary>What a restore laid out: the data directory, the store's schema version and integrity, and the parts restored.</summary>
public sealed record RestoreReport(string DataDirectory, int SchemaVersion, string Integrity, IReadOnlyList<string> Restored);

/// <summary>
/// Restores a backup into a data directory while no station runs on it: checks the passphrase against the header
/// (a wrong one writes nothing), decrypts and authenticates every chunk into a staging directory beside the target,
/// checks the store copy (<c>PRAGMA integrity_check</c>, a schema this station knows), and only then moves
/// station.db, keys, tls and units into place. A data directory with anything in it is refused unless forced;
/// forced, only those parts are replaced (backups and uploads stay).
/// </summary>
public static class StoreRestore
{
    public static Outcome<RestoreReport> Restore(string backupFile, string passphrase, string dataDirectory, bool force)
    {
        if (!File.Exists(backupFile)) return StationError.NotFound($"no backup file at {backupFile}");
        if (string.IsNullOrEmpty(passphrase)) return StationError.BadRequest("the passphrase file is empty");
        string target = Path.GetFullPath(dataDirectory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !force)
            return StationError.Conflict($"the data directory {target} is not empty ({string.Join(", ", Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(6))}); "
                + "restore into an empty directory, or pass --force to replace its station.db, keys, tls and units");

        using var sealedInput = File.OpenRead(backupFile);
        OpenedBackup opened;
        try
        {
            opened = BackupCipher.Open(sealedInput, passphrase);
        }
        catch (BackupUnreadableException ex)
        {
            return StationError.BadRequest(ex.Message + "; nothing was written");
        }

        string parent = Path.GetDirectoryName(target) ?? throw new ArgumentException("the data directory cannot be the root", nameof(dataDirectory));
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.restore-{Guid.NewGuid():N}");
        OwnerOnly.CreateDirectory(staging);
        try
        {
            string tar = Path.Combine(staging, "backup.tar");
            using (var plain = OwnerOnly.CreateNew(tar, FileAccess.ReadWrite))
                BackupCipher.Decrypt(sealedInput, opened, plain);
            string content = Path.Combine(staging, "content");
            OwnerOnly.CreateDirectory(content);
            using (var plain = File.OpenRead(tar)) BackupArchive.Unpack(plain, content);

            string store = Path.Combine(content, BackupArchive.StoreEntry);
            if (!File.Exists(store)) return StationError.BadRequest("the backup holds no station.db; nothing was restored");
            var (integrity, schema) = BackupArchive.Check(store);
            if (integrity != "ok") return StationError.BadRequest($"the store in the backup fails PRAGMA integrity_check ({integrity}); nothing was restored");
            if (schema > Migrations.CurrentVersion) return StationError.Conflict(StoreTooNewException.MessageFor(schema, Migrations.CurrentVersion) + "; nothing was restored");

            OwnerOnly.CreateDirectory(target);
            foreach (var file in BackupArchive.StoreFiles) File.Delete(Path.Combine(target, file));
            foreach (var dir in BackupArchive.Directories)
                if (Directory.Exists(Path.Combine(target, dir))) Directory.Delete(Path.Combine(target, dir), recursive: true);
            var restored = new List<string>();
            File.Move(store, Path.Combine(target, BackupArchive.StoreEntry));
            OwnerOnly.Restrict(Path.Combine(target, BackupArchive.StoreEntry));
            restored.Add(BackupArchive.StoreEntry);
            foreach (var dir in BackupArchive.Directories)
            {
                if (!Directory.Exists(Path.Combine(content, dir))) continue;
                Directory.Move(Path.Combine(content, dir), Path.Combine(target, dir));
                restored.Add(dir + "/");
            }
            return new RestoreReport(target, schema, integrity, restored);
        }
        catch (BackupUnreadableException ex)
        {
            return StationError.BadRequest(ex.Message);
        }
        catch (SqliteException ex)
        {
            return StationError.BadRequest($"the store in the backup cannot be opened ({ex.Message}); nothing was restored");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(staging, recursive: true);
        }
    }
}
