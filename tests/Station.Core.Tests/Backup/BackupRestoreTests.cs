using System.Security.Cryptography;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Backup;
using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests.Backup;

/// <summary>
/// Backups of a real store file with its key ring, TLS directory and unit state, restored into another directory;
/// wrong passphrases, altered and cut files are refused without writing anything.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(StoreCollection.Name)]
public sealed class BackupRestoreTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private static readonly Caller Admin = new("admin", true);
    private readonly TempStore _store = new();
    private readonly string _restoreParent = Directory.CreateTempSubdirectory("ccdsvm-restore-tests-").FullName;
    private readonly StoreBackup _backup;

    public BackupRestoreTests()
    {
        using (var c = _store.Db.Open())
            c.Execute("INSERT INTO settings(key, value) VALUES ('probe', 'kept through a backup')");
        Write("keys/key-1.xml", "<key id='1'/>");
        Write("tls/ca.crt", "-----BEGIN CERTIFICATE-----");
        Write("units/station/state/credential", "unit secret");
        _backup = Backup(new BackupOptions());
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_restoreParent, recursive: true);
    }

    [Fact]
    public async Task Backup_WritesAnOwnerOnlyEncryptedFile_WhoseCopyPassedTheIntegrityCheck_AndAuditsIt()
    {
        var made = await _backup.CreateAsync(Admin, Passphrase);

        Assert.True(made.Ok, made.Error?.Message);
        var b = made.Value!;
        string file = Path.Combine(_store.Directory, "backups", b.File);
        Assert.Matches(@"^station-backup-\d{8}T\d{6}Z\.ccbk$", b.File);
        Assert.Equal("ok", b.Integrity);
        Assert.Equal(Migrations.CurrentVersion, b.SchemaVersion);
        Assert.Equal(["station.db", "keys/", "tls/", "units/"], b.Contents);
        Assert.Equal(new FileInfo(file).Length, b.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), b.Sha256);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        Assert.Equal("CCDSVMBK"u8.ToArray(), File.ReadAllBytes(file)[..8]);
        Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf("kept through a backup"u8));
        Assert.Equal([Path.GetFileName(file)], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(file)!).Select(Path.GetFileName));
        var audit = new AuditLog(_store.Db).Query(new AuditQuery(Action: StoreBackup.Action));
        var line = Assert.Single(audit);
        Assert.Equal(("admin", b.File, AuditOutcomes.Succeeded), (line.Actor, line.Target, line.Outcome));
        Assert.Contains(b.Sha256, line.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_IntoAnotherDirectory_LaysOutTheStoreKeysTlsAndUnits()
    {
        var made = (await _backup.CreateAsync(Admin, Passphrase)).Value!;
        string target = Path.Combine(_restoreParent, "restored");

        var restored = StoreRestore.Restore(BackupFile(made), Passphrase, target, force: false);

        Assert.True(restored.Ok, restored.Error?.Message);
        Assert.Equal(["station.db", "keys/", "tls/", "units/"], restored.Value!.Restored);
        Assert.Equal("ok", restored.Value.Integrity);
        Assert.Equal("<key id='1'/>", File.ReadAllText(Path.Combine(target, "keys/key-1.xml")));
        Assert.Equal("-----BEGIN CERTIFICATE-----", File.ReadAllText(Path.Combine(target, "tls/ca.crt")));
        Assert.Equal("unit secret", File.ReadAllText(Path.Combine(target, "units/station/state/credential")));
        using (var c = new StationDb(Path.Combine(target, "station.db")).Open())
            Assert.Equal("kept through a backup", c.ExecuteScalar<string>("SELECT value FROM settings WHERE key = 'probe'"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(target, "station.db")));
        Assert.Equal(["restored"], Directory.EnumerateFileSystemEntries(_restoreParent).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Restore_WithAWrongPassphrase_IsRefusedAndWritesNothing()
    {
        var made = (await _backup.CreateAsync(Admin, Passphrase)).Value!;
        string target = Path.Combine(_restoreParent, "restored");

        var restored = StoreRestore.Restore(BackupFile(made), "correct horse battery stable", target, force: false);

        Assert.False(restored.Ok);
        Assert.Equal("the passphrase does not open this backup (or its header was altered); nothing was written", restored.Error!.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_restoreParent));
    }

    [Theory]
    [InlineData("flip a byte in the middle")]
    [InlineData("cut the last chunk off")]
    [InlineData("append a byte")]
    public async Task Restore_OfAnAlteredFile_IsRefusedAndLeavesNoStagingBehind(string how)
    {
        var made = (await _backup.CreateAsync(Admin, Passphrase)).Value!;
        string file = BackupFile(made);
        var bytes = File.ReadAllBytes(file);
        bytes = how switch
        {
            "flip a byte in the middle" => Flip(bytes, bytes.Length / 2),
            "cut the last chunk off" => bytes[..^20],
            _ => [.. bytes, 0],
        };
        File.WriteAllBytes(file, bytes);

        var restored = StoreRestore.Restore(file, Passphrase, Path.Combine(_restoreParent, "restored"), force: false);

        Assert.False(restored.Ok);
        Assert.StartsWith("the backup file is damaged or was altered: ", restored.Error!.Message, StringComparison.Ordinal);
        Assert.EndsWith("nothing was restored from it", restored.Error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_restoreParent));
    }

    [Fact]
    public async Task Restore_IntoANonEmptyDirectory_NeedsForce_ThenReplacesOnlyTheStationsParts()
    {
        var made = (await _backup.CreateAsync(Admin, Passphrase)).Value!;
        string target = Path.Combine(_restoreParent, "restored");
        Directory.CreateDirectory(Path.Combine(target, "keys"));
        File.WriteAllText(Path.Combine(target, "keys", "stale.xml"), "stale");
        File.WriteAllText(Path.Combine(target, "station.db"), "not a store");
        File.WriteAllText(Path.Combine(target, "notes.txt"), "the operator's");

        var refused = StoreRestore.Restore(BackupFile(made), Passphrase, target, force: false);
        Assert.Equal(StationErrorKind.Conflict, refused.Error!.Kind);
        Assert.Equal($"the data directory {target} is not empty (keys, notes.txt, station.db); restore into an empty directory, or pass --force to replace its station.db, keys, tls and units",
            refused.Error.Message);
        Assert.Equal("not a store", File.ReadAllText(Path.Combine(target, "station.db")));

        var forced = StoreRestore.Restore(BackupFile(made), Passphrase, target, force: true);

        Assert.True(forced.Ok, forced.Error?.Message);
        Assert.False(File.Exists(Path.Combine(target, "keys", "stale.xml")));
        Assert.True(File.Exists(Path.Combine(target, "keys", "key-1.xml")));
        Assert.Equal("the operator's", File.ReadAllText(Path.Combine(target, "notes.txt")));
        Assert.Equal("ok", BackupArchive.Check(Path.Combine(target, "station.db")).Integrity);
    }

    [Theory]
    [InlineData(null, "a passphrase is required to encrypt the backup")]
    [InlineData("", "a passphrase is required to encrypt the backup")]
    [InlineData("short-11chr", "the passphrase is too short: use at least 12 characters (it has 11)")]
    [InlineData("            ", "the passphrase is only spaces")]
    public async Task Backup_WithAWeakPassphrase_IsABadRequest_AndWritesNothing(string? passphrase, string message)
    {
        var made = await _backup.CreateAsync(Admin, passphrase);

        Assert.Equal(StationErrorKind.BadRequest, made.Error!.Kind);
        Assert.Equal(message, made.Error.Message);
        Assert.False(Directory.Exists(Path.Combine(_store.Directory, "backups")));
    }

    [Fact]
    public async Task Backup_ByANonAdministrator_IsForbidden_AndAudited()
    {
        var made = await _backup.CreateAsync(new Caller("olga", false), Passphrase);

        Assert.Equal(StationErrorKind.Forbidden, made.Error!.Kind);
        Assert.Equal("you (olga) may not back up the station: only administrators may", made.Error.Message);
        var line = Assert.Single(new AuditLog(_store.Db).Query(new AuditQuery(Action: StoreBackup.Action)));
        Assert.Equal(("olga", AuditOutcomes.Refused), (line.Actor, line.Outcome));
    }

    [Fact]
    public async Task Schedule_BacksUpWithThePassphraseFile_AndKeepsTheNewest()
    {
        string passphraseFile = Path.Combine(_restoreParent, "passphrase");
        File.WriteAllText(passphraseFile, Passphrase + "\n");
        var options = new BackupOptions { Keep = 2, PassphraseFile = passphraseFile, Directory = Path.Combine(_restoreParent, "scheduled") };
        var backup = Backup(options);
        var schedule = new BackupSchedule(backup, Options.Create(options), TimeProvider.System, NullLogger<BackupSchedule>.Instance);

        var names = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            await schedule.RunOnceAsync(options, CancellationToken.None);
            names.Add(Path.GetFileName(backup.List()[^1]));
        }

        Assert.Equal(3, names.Distinct().Count());
        Assert.Equal(names[1..], backup.List().Select(Path.GetFileName));
        var restored = StoreRestore.Restore(backup.List()[^1], Passphrase, Path.Combine(_restoreParent, "restored"), force: false);
        Assert.True(restored.Ok, restored.Error?.Message);
        Assert.Equal(3, new AuditLog(_store.Db).Query(new AuditQuery(Actor: BackupSchedule.Scheduler.Name, Action: StoreBackup.Action, Outcome: AuditOutcomes.Succeeded)).Count);
    }

    private StoreBackup Backup(BackupOptions options) =>
        new(_store.Db, Options.Create(new StationOptions { DataDirectory = _store.Directory }), Options.Create(options), new AuditLog(_store.Db),
            TimeProvider.System, NullLogger<StoreBackup>.Instance);

    private string BackupFile(Shared.Contracts.BackupMade made) => Path.Combine(_store.Directory, "backups", made.File);

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_store.Directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x40;
        return bytes;
    }
}
