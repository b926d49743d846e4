namespace Ccdsvm.Console.Cli;

/// <summary>
/// The confirmation before a destructive command: asked on an interactive terminal, and without one refused
/// (exit 2) unless <c>--yes</c> was given, so that a script never destroys data by accident.
/// </summary>
public static class Confirm
{
    /// <param name="what">what is about to happen, as a sentence without the question mark ("Format /dev/sdb on station").</param>
    public static void Destructive(Invocation inv, bool yes, string what)
    {
        ArgumentNullException.ThrowIfNull(inv);
        if (yes) return;
        if (!inv.Interactive || System.Console.IsInputRedirected)
            throw new CliException(ExitCodes.Usage, $"{what} is destructive: add --yes to confirm");
        System.Console.Error.Write($"{what}? [y/N] ");
        string answer = (System.Console.ReadLine() ?? "").Trim();
        if (!answer.Equals("y", StringComparison.OrdinalIgnoreCase) && !answer.Equals("yes", StringComparison.OrdinalIgnoreCase))
            throw new CliException(ExitCodes.Usage, "not confirmed; nothing was done");
    }
}
