using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>system.process.signal {pid, signal}</c> → <c>{pid, signal, command}</c>: TERM, KILL, HUP, STOP or CONT; never pid 1.</summary>
public sealed class ProcessSignal : KindContract<ProcessSignalParameters, ProcessSignalResult>
{
    public static readonly ProcessSignal Contract = new();

    public override string Kind => ProcessTaskKinds.Signal;
    public override string Title => "Send a signal to a process";
    public override string Group => KindGroups.Processes;
    public override string Action => "Send a signal";
    public override IReadOnlyList<string> Stages { get; } = ["signalling"];
    public override bool Destructive => true;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ProcessParameters.Pid,
        new ParameterSpec("signal", ParameterType.String, true, $"one of {string.Join(", ", ProcessTaskKinds.Signals)}", Example: "TERM", Allowed: ProcessTaskKinds.Signals),
    ];

    protected override string? Subject(ProcessSignalParameters p, System.Text.Json.JsonElement json) => $"SIG{p.Signal} to pid {p.Pid}";

    protected override string DangerText(string subject) => $"{Kind}: cannot be undone";

    protected override string? Rules(ProcessSignalParameters p) => ProcessParameters.NotInit(p.Pid, "signalling");
}

/// <summary>The pid every process kind takes, and the refusal of pid 1.</summary>
public static class ProcessParameters
{
    public static readonly ParameterSpec Pid = new("pid", ParameterType.Number, true,
        "process id, 2 or more (pid 1, init, is refused; so is the unit's own agent)", 1, int.MaxValue, "4242", Whole: true);

    /// <summary>Refuses pid 1 with the reason rather than a bare range; the agent refuses its own pid the same way.</summary>
    public static string? NotInit(int pid, string verb) => pid == 1 ? $"pid 1 is the init process of the unit; {verb} it is refused" : null;
}

[MessagePackObject(true)]
public sealed record ProcessSignalParameters(int Pid, string Signal);

/// <summary>The process signalled and its command name as it was before the signal.</summary>
[MessagePackObject(true)]
public sealed record ProcessSignalResult(int Pid, string Signal, string Command);
