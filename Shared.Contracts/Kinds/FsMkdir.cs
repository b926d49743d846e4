using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary><c>fs.mkdir {path, parents?}</c> → <c>{path, created}</c>; created is false when parents was given and it existed.</summary>
public sealed class FsMkdir : KindContract<FsMkdirParameters, FsMkdirResult>
{
    public static readonly FsMkdir Contract = new();

    public override string Kind => TaskKinds.FsMkdir;
    public override string Title => "Create a directory";
    public override string Group => KindGroups.Files;
    public override string Action => "New folder";
    public override IReadOnlyList<string> Stages { get; } = ["creating"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Entry];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [CommonParameters.FilePath, new ParameterSpec("parents", ParameterType.Boolean, false, "create missing parent directories too")];
}

[MessagePackObject(true)]
public sealed record FsMkdirParameters(string Path, bool? Parents = null);

[MessagePackObject(true)]
public sealed record FsMkdirResult(string Path, bool Created);
