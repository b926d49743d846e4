namespace Ccdsvm.Console.Cli;

/// <summary>
/// The one confirmation every destructive verb asks for: "…? [y/N]" on an interactive terminal; without a terminal
/// (a script, a pipe, CI) it refuses with exit 2 unless <c>--yes</c> was given, so nothing is destroyed by accident.
/// </summary>
public static class Confirm
{
    /// <summary>Returns when <paramref name="what"/> may go ahead; otherwise throws a usage error (exit 2) saying how to confirm.</summary>
    /// <param name="what">what will be destroyed, as a person reads it, e.g. "delete station:/srv/data/old"</param>
    public static void Destructive(Invocation inv, bool yes, string what)
    {
        ArgumentNullException.ThrowIfNull(inv);
        ArgumentNullException.ThrowIfNull(what);
        if (yes) return;
        bool terminal = inv.Interactive && !System.Console.IsInputRedirected && !System.Console.IsErrorRedirected;
        if (!terminal)
            throw new CliException(ExitCodes.Usage, $"{what} is destructive: add --yes to confirm (no terminal to ask on)");
        System.Console.Error.Write($"{what}? [y/N] ");
        string? answer = System.Console.ReadLine()?.Trim();
        if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase))) return;
        throw new CliException(ExitCodes.Usage, $"{what}: not confirmed; nothing was changed");
    }
}
