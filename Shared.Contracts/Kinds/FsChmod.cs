using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.chmod {path, mode}</c> → <c>{path, mode}</c> with an octal mode of 3 or 4 digits such as "0640".</summary>
public sealed class FsChmod : KindContract<FsChmodParameters, FsChmodResult>
{
    public static readonly FsChmod Contract = new();

    public override string Kind => TaskKinds.FsChmod;
    public override string Title => "Change permissions";
    public override string Group => KindGroups.Files;
    public override string Action => "Permissions";
    public override IReadOnlyList<string> Stages { get; } = ["changing permissions"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Path];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [CommonParameters.FilePath, new ParameterSpec("mode", ParameterType.String, true, "octal mode, 3 or 4 digits", Example: "0640")];

    public static bool IsOctalMode(string mode) => mode is { Length: 3 or 4 } && mode.All(c => c is >= '0' and <= '7');

    protected override string? Rules(FsChmodParameters p) =>
        IsOctalMode(p.Mode) ? null : $"parameter 'mode' must be 3 or 4 octal digits such as \"0640\"; got '{p.Mode}'";
}

[MessagePackObject(true)]
public sealed record FsChmodParameters(string Path, string Mode);

[MessagePackObject(true)]
public sealed record FsChmodResult(string Path, string Mode);
