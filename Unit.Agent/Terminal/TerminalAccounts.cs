using System.Text.RegularExpressions;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Terminal;

/// <summary>A unit-local account a terminal runs as, as <c>getent passwd</c> has it.</summary>
public sealed record LocalAccount(string Name, int Uid, int Gid, string Home, string Shell);

/// <summary>
/// Which unit-local account a station user's terminal runs as: <c>Agent:TerminalAccounts</c>, entries
/// <c>user=account</c>, and <c>*=account</c> for every other user. A user mapped nowhere gets no terminal; root only
/// when an entry names it.
/// </summary>
public static partial class TerminalAccounts
{
    [GeneratedRegex("^[a-z_][a-z0-9_.-]{0,31}$")]
    private static partial Regex AccountName();

    /// <summary>The account name <paramref name="user"/> maps to under <paramref name="entries"/>, or a refusal in words.</summary>
    public static string MapOrRefuse(IReadOnlyList<string> entries, string? user)
    {
        if (string.IsNullOrEmpty(user)) throw TaskFailureException.Refused("refused by the unit: the order names no station user to map to a local account");
        string? fallback = null;
        foreach (var entry in entries)
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !AccountName().IsMatch(parts[1])) continue;
            if (parts[0] == user) return parts[1];
            if (parts[0] == "*") fallback ??= parts[1];
        }
        return fallback ?? throw TaskFailureException.Refused(
            $"refused by the unit: no local account is mapped for station user '{user}'; set Agent:TerminalAccounts on the unit (e.g. {user}=ops, or *=ops for everyone)");
    }

    /// <summary>The account as the unit's user database has it; refused when it does not exist or has no login shell.</summary>
    public static async Task<LocalAccount> LookUpAsync(string name, CancellationToken ct)
    {
        var output = await ProcessRunner.RunAsync("getent", ["passwd", name], ct, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        var fields = output.StdOut.Trim().Split(':');
        if (output.ExitCode != 0 || fields.Length < 7 || !int.TryParse(fields[2], out int uid) || !int.TryParse(fields[3], out int gid))
            throw TaskFailureException.Refused($"refused by the unit: the local account '{name}' that Agent:TerminalAccounts names does not exist here");
        string shell = fields[6].Length == 0 ? "/bin/sh" : fields[6];
        if (shell.EndsWith("/nologin", StringComparison.Ordinal) || shell.EndsWith("/false", StringComparison.Ordinal) || !File.Exists(shell))
            throw TaskFailureException.Refused($"refused by the unit: the local account '{name}' has no login shell ({shell}); map the user to an account that may log in");
        return new LocalAccount(fields[0], uid, gid, fields[5] is { Length: > 0 } h ? h : "/", shell);
    }
}
