using System.Formats.Tar;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Backup;

/// <summary>
/// What a backup holds, as a tar archive before encryption: <c>station.db</c> (a checked copy of the store), and
/// from the data directory <c>keys/</c> (the data-protection key ring), <c>tls/</c> (the station's CA and
/// certificate, when present) and <c>units/</c> (the embedded unit's state).
/// </summary>
public static class BackupArchive
{
    public const string StoreEntry = "station.db";

    /// <summary>The data directory's parts that travel with the store.</summary>
    public static readonly IReadOnlyList<string> Directories = ["keys", "tls", "units"];

    /// <summary>The store file and its companions, removed from a data directory a forced restore replaces.</summary>
    public static readonly IReadOnlyList<string> StoreFiles = ["station.db", "station.db-wal", "station.db-shm"];

    /// <summary>Writes the store copy and the data directory's parts into <paramref name="tar"/>; answers the top-level names included.</summary>
    public static IReadOnlyList<string> Pack(Stream tar, string storeCopy, string dataDirectory)
    {
        var contents = new List<string> { StoreEntry };
        using var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true);
        writer.WriteEntry(storeCopy, StoreEntry);
        foreach (var name in Directories)
        {
            var dir = Path.Combine(dataDirectory, name);
            if (!Directory.Exists(dir)) continue;
            contents.Add(name + "/");
            writer.WriteEntry(dir, name);
            foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is not null) continue;
                string entry = name + "/" + Path.GetRelativePath(dir, path).Replace(Path.DirectorySeparatorChar, '/');
                try
                {
                    if (Directory.Exists(path)) writer.WriteEntry(path, entry);
                    else if (info.Exists && (info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0) writer.WriteEntry(path, entry);
                }
                catch (FileNotFoundException)
                {
                    // replaced or removed while the backup ran (an agent's state file is written by rename): the next backup has it
                }
            }
        }
        return contents;
    }

    /// <summary>
    /// Extracts regular files and directories into <paramref name="destination"/>; refuses entries that would land
    /// outside it or are links or devices.
    /// </summary>
    public static void Unpack(Stream tar, string destination)
    {
        string root = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            string target = Path.GetFullPath(Path.Combine(root, entry.Name));
            if (!target.StartsWith(root, StringComparison.Ordinal) && target + Path.DirectorySeparatorChar != root)
                throw new BackupUnreadableException($"the backup names a path outside its data directory ('{entry.Name}'); nothing was restored", wrongPassphrase: false);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    OwnerOnly.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: false);
                    break;
                default:
                    throw new BackupUnreadableException($"the backup holds '{entry.Name}' of type {entry.EntryType}, not a file or directory; nothing was restored", wrongPassphrase: false);
            }
        }
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c> on a store file and reads its schema version; "ok" when sound.</summary>
    public static (string Integrity, int SchemaVersion) Check(string storeFile)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = storeFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var c = new SqliteConnection(cs);
        c.Open();
        var lines = c.Query<string>("PRAGMA integrity_check").ToList();
        string integrity = string.Join("; ", lines);
        bool hasVersion = c.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'") == 1;
        int version = hasVersion ? c.ExecuteScalar<int?>("SELECT MAX(version) FROM schema_version") ?? 0 : 0;
        return (integrity, version);
    }
}
