using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.delete {path, recursive?}</c> → <c>{path, type}</c>: a link is removed itself; a non-empty directory needs recursive.</summary>
public sealed class FsDelete : KindContract<FsDeleteParameters, FsDeleteResult>
{
    public static readonly FsDelete Contract = new();

    public override string Kind => TaskKinds.FsDelete;
    public override string Title => "Delete a file or directory";
    public override string Group => KindGroups.Files;
    public override string Action => "Delete";
    public override IReadOnlyList<string> Stages { get; } = ["deleting"];
    public override bool Destructive => true;
    public override string? DangerSubject => "path";
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Entry];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [CommonParameters.FilePath, CommonParameters.Recursive];

    protected override string DangerText(string subject) => $"Delete {subject}: removes it for good";
}

[MessagePackObject(true)]
public sealed record FsDeleteParameters(string Path, bool? Recursive = null);

[MessagePackObject(true)]
public sealed record FsDeleteResult(string Path, FsEntryType Type);
