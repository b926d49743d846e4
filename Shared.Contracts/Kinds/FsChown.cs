using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.chown {path, user?, group?}</c> (at least one, by name or number) → <c>{path, user, group}</c>.</summary>
public sealed class FsChown : KindContract<FsChownParameters, FsChownResult>
{
    public static readonly FsChown Contract = new();

    public override string Kind => TaskKinds.FsChown;
    public override string Title => "Change owner";
    public override string Group => KindGroups.Files;
    public override string Action => "Owner";
    public override IReadOnlyList<string> Stages { get; } = ["changing owner"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Path];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        CommonParameters.FilePath,
        new ParameterSpec("user", ParameterType.String, false, "new owner (name or number)"),
        new ParameterSpec("group", ParameterType.String, false, "new group (name or number)"),
    ];

    protected override string? Rules(FsChownParameters p) => p.User is null && p.Group is null ? "give 'user', 'group' or both" : null;
}

[MessagePackObject(true)]
public sealed record FsChownParameters(string Path, string? User = null, string? Group = null);

/// <summary>The owner and group as given; the one not given is null.</summary>
[MessagePackObject(true)]
public sealed record FsChownResult(string Path, string? User, string? Group);
