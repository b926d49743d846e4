using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>system.process.renice {pid, nice}</c> → <c>{pid, nice, command}</c> with a nice value from -20 to 19.</summary>
public sealed class ProcessRenice : KindContract<ProcessReniceParameters, ProcessReniceResult>
{
    public static readonly ProcessRenice Contract = new();

    public override string Kind => ProcessTaskKinds.Renice;
    public override string Title => "Change a process's nice value";
    public override string Group => KindGroups.Processes;
    public override string Action => "Change priority";
    public override IReadOnlyList<string> Stages { get; } = ["renicing"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [ProcessParameters.Pid, new ParameterSpec("nice", ParameterType.Number, true, "nice value, -20 (first) to 19 (last)", -20, 19, "10", Whole: true)];

    protected override string? Subject(ProcessReniceParameters p, System.Text.Json.JsonElement json) => $"pid {p.Pid}, nice {p.Nice}";

    protected override string? Rules(ProcessReniceParameters p) => ProcessParameters.NotInit(p.Pid, "renicing");
}

[MessagePackObject(true)]
public sealed record ProcessReniceParameters(int Pid, int Nice);

[MessagePackObject(true)]
public sealed record ProcessReniceResult(int Pid, int Nice, string Command);
