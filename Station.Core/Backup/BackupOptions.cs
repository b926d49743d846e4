namespace Ccdsvm.Station.Core.Backup;

/// <summary>The <c>Station:Backup</c> configuration section.</summary>
public sealed class BackupOptions
{
    public const string Section = "Station:Backup";

    /// <summary>Where backups are written (0700, files 0600). Default {DataDirectory}/backups.</summary>
    public string? Directory { get; set; }

    /// <summary>Hours between scheduled backups (fractions allowed). 0 turns the schedule off. Default 24.</summary>
    public double IntervalHours { get; set; } = 24;

    /// <summary>How many backups the schedule keeps; older ones are deleted after each scheduled backup. Default 7.</summary>
    public int Keep { get; set; } = 7;

    /// <summary>A file holding the passphrase for scheduled backups (its first line). Without it the schedule is off.</summary>
    public string? PassphraseFile { get; set; }

    /// <summary>PBKDF2-SHA256 iterations for new backups; never fewer than 600,000.</summary>
    public int Iterations { get; set; } = BackupCipher.DefaultIterations;

    public string? Problem() =>
        IntervalHours < 0 || double.IsNaN(IntervalHours) ? "Station:Backup:IntervalHours must be 0 (off) or more"
        : Keep < 1 ? "Station:Backup:Keep must be at least 1"
        : Iterations < BackupCipher.DefaultIterations ? $"Station:Backup:Iterations must be at least {BackupCipher.DefaultIterations}"
        : null;

    public string DirectoryFor(StationOptions station) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(Directory) ? Path.Combine(station.DataDirectory, "backups") : Directory);
}
