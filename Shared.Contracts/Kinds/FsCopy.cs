using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>fs.copy {from, to, recursive?}</c> → <c>{from, to, bytes, files}</c>: stage 1 reads the source into a temporary
/// name beside the destination, stage 2 renames the copy into place.
/// </summary>
public sealed class FsCopy : KindContract<FsCopyParameters, FsCopyResult>
{
    public static readonly FsCopy Contract = new();

    public override string Kind => TaskKinds.FsCopy;
    public override string Title => "Copy a file or directory";
    public override string Group => KindGroups.Files;
    public override string Action => "Copy";
    public override IReadOnlyList<string> Stages { get; } = ["reading the source", "moving the copy into place"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [new("from", true), new("to", false)];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [CommonParameters.From, CommonParameters.To, CommonParameters.Recursive];

    protected override string? Subject(FsCopyParameters p, System.Text.Json.JsonElement json) => $"{p.From} → {p.To}";
}

[MessagePackObject(true)]
public sealed record FsCopyParameters(string From, string To, bool? Recursive = null);

[MessagePackObject(true)]
public sealed record FsCopyResult(string From, string To, long Bytes, int Files);
