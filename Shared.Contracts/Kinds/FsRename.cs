using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.rename {from, to}</c> → <c>{from, to}</c>: renames an entry within one file system, never replacing one.</summary>
public sealed class FsRename : KindContract<FsRenameParameters, FsRenameResult>
{
    public static readonly FsRename Contract = new();

    public override string Kind => TaskKinds.FsRename;
    public override string Title => "Rename or move within a file system";
    public override string Group => KindGroups.Files;
    public override string Action => "Rename";
    public override IReadOnlyList<string> Stages { get; } = ["renaming"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [new("from", false), new("to", false)];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [CommonParameters.From, CommonParameters.To];

    protected override string? Subject(FsRenameParameters p, System.Text.Json.JsonElement json) => $"{p.From} → {p.To}";
}

[MessagePackObject(true)]
public sealed record FsRenameParameters(string From, string To);

[MessagePackObject(true)]
public sealed record FsRenameResult(string From, string To);
