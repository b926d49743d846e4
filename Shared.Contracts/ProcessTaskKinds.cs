namespace Ccdsvm.Shared.Contracts;

/// <summary>Task kinds that act on a unit's processes. Public: scripts and the CLI send these strings.</summary>
public static class ProcessTaskKinds
{
    public const string Signal = "system.process.signal";
    public const string Renice = "system.process.renice";

    /// <summary>Signals <see cref="Signal"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Signals = ["TERM", "KILL", "HUP", "STOP", "CONT"];
}
