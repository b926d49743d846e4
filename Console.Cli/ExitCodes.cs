namespace Ccdsvm.Console.Cli;

/// <summary>What <c>ccdsvm</c> exits with; scripts decide on these, never on the words printed.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int TaskFailed = 1;
    public const int Usage = 2;
    public const int NotAllowed = 3;
    public const int NotFound = 4;
    public const int Refused = 5;
    public const int Unreachable = 6;
    public const int Interrupted = 130;

    /// <summary>The table printed at the end of <c>ccdsvm --help</c> and in the README.</summary>
    public const string Help = """
        Exit codes:
          0    success
          1    a task failed or was cancelled
          2    usage error (bad option, unknown kind, a parameter the kind refuses)
          3    not authenticated or not allowed (also: the station's certificate does not match the pin)
          4    not found (unit, task, user)
          5    refused by the station (task list full: 429, conflict: 409)
          6    station unreachable
          130  interrupted (Ctrl-C)
        """;
}

/// <summary>A failure the CLI reports in one line and exits with <see cref="ExitCode"/>.</summary>
public sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
