using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.checksum {path}</c> → <c>{path, sha256, bytes}</c>: the SHA-256 of one file, read once.</summary>
public sealed class FsChecksum : KindContract<FsChecksumParameters, FsChecksumResult>
{
    public static readonly FsChecksum Contract = new();

    public override string Kind => TaskKinds.FsChecksum;
    public override string Title => "SHA-256 of a file";
    public override string Group => KindGroups.Files;
    public override string Action => "Checksum";
    public override IReadOnlyList<string> Stages { get; } = ["reading and hashing"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Path];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [CommonParameters.Path];
}

[MessagePackObject(true)]
public sealed record FsChecksumParameters(string Path);

[MessagePackObject(true)]
public sealed record FsChecksumResult(string Path, string Sha256, long Bytes);
