using Ccdsvm.Station.Core.Backup;

namespace Ccdsvm.Console.Blazor;

/// <summary>
/// <c>Console.Blazor restore --from FILE --passphrase-file F --data DIR [--force]</c>: lays a backup out as a data
/// directory a station can start on. Run it while no station uses DIR.
/// </summary>
public static class RestoreCommand
{
    public const string Usage = "usage: restore --from <backup file> --passphrase-file <file whose first line is the passphrase> --data <data directory> [--force]";

    public static int Run(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        string? from = Value("--from"), passphraseFile = Value("--passphrase-file"), data = Value("--data");
        if (from is null || passphraseFile is null || data is null)
        {
            System.Console.Error.WriteLine(Usage);
            return 2;
        }
        if (!File.Exists(passphraseFile))
        {
            System.Console.Error.WriteLine($"no passphrase file at {passphraseFile}");
            return 2;
        }
        string passphrase = File.ReadLines(passphraseFile).FirstOrDefault() ?? "";
        var outcome = StoreRestore.Restore(from, passphrase, data, force: args.Contains("--force"));
        if (!outcome.Ok)
        {
            System.Console.Error.WriteLine($"restore refused: {outcome.Error!.Message}");
            return 1;
        }
        var report = outcome.Value!;
        System.Console.WriteLine($"restored {Path.GetFileName(from)} into {report.DataDirectory}: {string.Join(", ", report.Restored)}");
        System.Console.WriteLine($"store integrity: {report.Integrity}; schema version {report.SchemaVersion} (this station migrates it on start)");
        System.Console.WriteLine($"start the station with Station__DataDirectory={report.DataDirectory} at the same URL, and its agents reconnect with their credentials");
        return 0;
    }
}
