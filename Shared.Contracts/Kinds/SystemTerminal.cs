using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>system.terminal {cols?, rows?, idleTimeoutSeconds?}</c> → <c>{exitCode, ended, account, seconds, recording}</c>: a
/// login shell on a pseudo-terminal of the unit, as the unit-local account the unit maps the station user to. The bytes
/// travel on their own stream (<see cref="TerminalFrames"/>), not in the task's progress. Administrator only unless
/// granted. When the station's policy says so it adds <c>record: true</c> to the order (<see cref="RecordField"/>, never
/// from a user) and the unit records the session's output to its log, or refuses the session when it cannot.
/// </summary>
public sealed class SystemTerminal : KindContract<SystemTerminalParameters, SystemTerminalResult>
{
    public static readonly SystemTerminal Contract = new();

    public const int DefaultIdleSeconds = 900;

    /// <summary>The order's field the station sets from its policy (Station:Terminal:Record): the unit records the session.</summary>
    public const string RecordField = "record";

    public override string Kind => TaskKinds.SystemTerminal;
    public override string Title => "Terminal on the unit";
    public override string Group => KindGroups.Processes;
    public override string Action => "Open terminal";
    public override IReadOnlyList<string> Stages { get; } = ["terminal session"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new ParameterSpec("cols", ParameterType.Number, false, "terminal width in columns", TerminalFrames.MinCols, TerminalFrames.MaxCols, "120", Whole: true, Default: "80"),
        new ParameterSpec("rows", ParameterType.Number, false, "terminal height in rows", TerminalFrames.MinRows, TerminalFrames.MaxRows, "32", Whole: true, Default: "24"),
        new ParameterSpec("idleTimeoutSeconds", ParameterType.Number, false,
            "the session ends after this many seconds without a key pressed or output shown", 2, 86400, "900", Whole: true, Default: "900"),
    ];

    /// <summary>Whether the session is recorded is the station's policy, not the user's choice: refused from a user, read from an order.</summary>
    protected override IReadOnlyCollection<string> StationFields { get; } = [RecordField];

    protected override string? Subject(SystemTerminalParameters p, System.Text.Json.JsonElement json) => "terminal";
}

/// <param name="Record">
/// Set by the station from its policy, never by a user (<see cref="SystemTerminal.RecordField"/>): true when the unit must
/// record the session's output to its log, and refuse the session when it cannot; null otherwise.
/// </param>
[MessagePackObject(true)]
public sealed record SystemTerminalParameters(int? Cols = null, int? Rows = null, int? IdleTimeoutSeconds = null, bool? Record = null)
{
    // Methods, not properties: the record is the parameters' JSON, which carries only what a user may send and the station's field.
    public int ColsOrDefault() => Cols ?? 80;
    public int RowsOrDefault() => Rows ?? 24;
    public TimeSpan Idle() => TimeSpan.FromSeconds(IdleTimeoutSeconds ?? SystemTerminal.DefaultIdleSeconds);
}

/// <param name="ExitCode">The shell's exit code; null when the session was ended from outside.</param>
/// <param name="Ended">Why the session ended: one of <see cref="TerminalEndings"/>.</param>
/// <param name="Account">The unit-local account the shell ran as.</param>
/// <param name="Seconds">How long the session lasted.</param>
/// <param name="Recording">The file on the unit the session was recorded to; null when the policy did not ask for a recording.</param>
[MessagePackObject(true)]
public sealed record SystemTerminalResult(int? ExitCode, string Ended, string Account, double Seconds, string? Recording = null);

/// <summary>Why a terminal session ended. A cancelled session ends as a cancelled task, with no result.</summary>
public static class TerminalEndings
{
    /// <summary>The shell exited (the user typed <c>exit</c>).</summary>
    public const string Exited = "exited";
    /// <summary>Nothing was typed or shown for the idle timeout.</summary>
    public const string IdleTimeout = "idle timeout";
    /// <summary>The station found the user no longer holds the terminal privilege on the unit.</summary>
    public const string RightLost = "right lost";
    /// <summary>The browser or CLI closed the terminal.</summary>
    public const string Closed = "closed";
}

/// <summary>
/// The frames of a terminal stream, browser ⇄ station ⇄ agent. Towards the unit each frame is one byte of type then
/// its body: <see cref="Input"/> + the bytes typed, <see cref="Resize"/> + cols and rows (two bytes each, big-endian),
/// <see cref="End"/> + a UTF-8 reason (the station ends a session whose user lost the right). From the unit the frames
/// are the terminal's output bytes as they are.
/// </summary>
public static class TerminalFrames
{
    public const byte Input = 0;
    public const byte Resize = 1;
    public const byte End = 2;

    public const int MinCols = 10, MaxCols = 1000, MinRows = 2, MaxRows = 500;

    /// <summary>The largest frame accepted from a browser: a big paste is split by the sender.</summary>
    public const int MaxFrame = 64 * 1024;

    public static byte[] ResizeFrame(int cols, int rows) =>
        [Resize, (byte)(cols >> 8), (byte)cols, (byte)(rows >> 8), (byte)rows];

    public static byte[] EndFrame(string reason) => [End, .. System.Text.Encoding.UTF8.GetBytes(reason)];

    /// <summary>Reads a resize frame; false when it is not one or its size is out of bounds.</summary>
    public static bool TryReadResize(ReadOnlySpan<byte> frame, out int cols, out int rows)
    {
        cols = rows = 0;
        if (frame.Length != 5 || frame[0] != Resize) return false;
        cols = (frame[1] << 8) | frame[2];
        rows = (frame[3] << 8) | frame[4];
        return cols is >= MinCols and <= MaxCols && rows is >= MinRows and <= MaxRows;
    }

    /// <summary>Why a frame from a browser is refused, or null when it may pass on to the unit (an end frame may not: only the station ends).</summary>
    public static string? Problem(ReadOnlySpan<byte> frame) => frame.Length switch
    {
        0 => "an empty frame",
        > MaxFrame => $"a frame larger than {MaxFrame / 1024} KiB",
        _ => frame[0] switch
        {
            Input => null,
            Resize => TryReadResize(frame, out _, out _) ? null : $"a resize outside {MinCols}..{MaxCols} columns and {MinRows}..{MaxRows} rows",
            _ => $"an unknown frame type {frame[0]}",
        },
    };
}
