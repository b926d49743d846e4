namespace Ccdsvm.Station.Core;

/// <summary>The <c>Station:Terminal</c> policy for <c>system.terminal</c> sessions.</summary>
public sealed class StationTerminalOptions
{
    /// <summary>
    /// When true, every terminal session's order tells its unit to record the session's output to the unit's log
    /// (<c>Agent:TerminalRecordDirectory</c>); a unit that cannot write there refuses the session. Default false.
    /// </summary>
    public bool Record { get; set; }
}
