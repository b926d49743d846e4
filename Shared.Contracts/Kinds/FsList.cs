using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.list {path}</c> → <c>{path, entries: [{name, type, size, mode, modified, linkTarget}]}</c>: one directory's entries.</summary>
public sealed class FsList : KindContract<FsListParameters, FsListResult>
{
    public static readonly FsList Contract = new();

    public override string Kind => TaskKinds.FsList;
    public override string Title => "List a directory";
    public override string Group => KindGroups.Files;
    public override string Action => "List a folder";
    public override IReadOnlyList<string> Stages { get; } = ["listing"];
    public override bool Destructive => false;
    public override bool ReadsOnly => true;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Path];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [CommonParameters.Path with { Description = "absolute path of a directory inside one of the unit's roots" }];
}

[MessagePackObject(true)]
public sealed record FsListParameters(string Path);

[MessagePackObject(true)]
public sealed record FsListResult(string Path, IReadOnlyList<FsListEntry> Entries);

/// <summary>One entry of a directory: <see cref="Size"/> is 0 for anything but a file; <see cref="Mode"/> is four octal digits.</summary>
[MessagePackObject(true)]
public sealed record FsListEntry(string Name, FsEntryType Type, long Size, string Mode, DateTime Modified, string? LinkTarget);
