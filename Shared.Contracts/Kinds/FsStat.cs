using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.stat {path}</c> → <c>{path, type, size, mode, modified, created}</c>, following a link at the end of the path.</summary>
public sealed class FsStat : KindContract<FsStatParameters, FsStatResult>
{
    public static readonly FsStat Contract = new();

    public override string Kind => TaskKinds.FsStat;
    public override string Title => "File or directory details";
    public override string Group => KindGroups.Files;
    public override string Action => "Details";
    public override IReadOnlyList<string> Stages { get; } = ["reading details"];
    public override bool Destructive => false;
    public override bool ReadsOnly => true;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Path];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [CommonParameters.FilePath];
}

[MessagePackObject(true)]
public sealed record FsStatParameters(string Path);

[MessagePackObject(true)]
public sealed record FsStatResult(string Path, FsEntryType Type, long Size, string Mode, DateTime Modified, DateTime Created);
