using System.CommandLine;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>ccdsvm backup create</c>: the station's encrypted online backup (POST /api/v1/admin/backup), for administrators.</summary>
public static class BackupCommands
{
    public static Command Backup()
    {
        var passphraseFile = new Option<FileInfo?>("--passphrase-file") { Description = "read the passphrase from this file (first line); else from standard input with --passphrase-stdin, or prompted on a terminal" };
        var passphraseStdin = new Option<bool>("--passphrase-stdin") { Description = "read the passphrase from standard input (one line)" };
        var create = new Command("create",
            "Back up the station now: its store (checked with PRAGMA integrity_check), keys, TLS directory and its own unit's state, in one file " +
            "encrypted with the passphrase (at least 12 characters) under the station's backups directory. Prints the file, its size and SHA-256. " +
            "Restore with: Console.Blazor restore --from FILE --passphrase-file P --data DIR.") { passphraseFile, passphraseStdin };
        create.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string passphrase = ReadPassphrase(inv, parse.GetValue(passphraseFile), parse.GetValue(passphraseStdin));
            using var client = inv.Open();
            var made = await client.PostAsync("api/v1/admin/backup", new { passphrase }, token).ConfigureAwait(false);
            Output.Print(inv, made,
                [Column.Of("FILE", "file"), Column.Of("BYTES", "bytes"), Column.Of("INTEGRITY", "integrity"), Column.Of("SHA256", "sha256"), Column.Time("AT", "at")],
                m => Output.Text(m, "file"));
            return ExitCodes.Success;
        }));
        return new Command("backup", "Backups of the station (administrators).") { create };
    }

    private static string ReadPassphrase(Invocation inv, FileInfo? file, bool fromStdin)
    {
        string? text;
        if (file is not null)
        {
            if (!file.Exists) throw new CliException(ExitCodes.Usage, $"--passphrase-file: {file.FullName} does not exist");
            text = File.ReadLines(file.FullName).FirstOrDefault();
        }
        else if (fromStdin) text = System.Console.In.ReadLine();
        else if (inv.Interactive && !System.Console.IsInputRedirected) text = inv.Out.Prompt(new TextPrompt<string>("Backup passphrase:").Secret());
        else throw new CliException(ExitCodes.Usage, "no passphrase: give --passphrase-file FILE or --passphrase-stdin (no terminal to ask on)");
        text = text?.TrimEnd('\r', '\n');
        if (string.IsNullOrEmpty(text)) throw new CliException(ExitCodes.Usage, "the passphrase is empty");
        return text;
    }
}
