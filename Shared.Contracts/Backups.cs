namespace Ccdsvm.Shared.Contracts;

/// <summary>Body of <c>POST /api/v1/admin/backup</c>: the passphrase the backup is encrypted with (at least 12 characters).</summary>
public sealed record BackupRequest(string? Passphrase);

/// <summary>
/// A backup the station wrote: its file name (under the backups directory), size, SHA-256 of the encrypted file,
/// the store copy's <c>PRAGMA integrity_check</c> answer, the schema version it holds and what it contains.
/// </summary>
public sealed record BackupMade(string File, long Bytes, string Sha256, string Integrity, int SchemaVersion, DateTimeOffset At, IReadOnlyList<string> Contents);
