using Ccdsvm.Shared.Contracts.Paths;
using System.Text.Json.Serialization;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>fs.write {path, content | uploadId, overwrite?}</c> → <c>{path, bytes}</c>, or <c>{path, bytes, sha256, uploadId}</c>
/// for a file uploaded with POST /api/v1/uploads. For an upload the station adds <c>upload: {ticket, size, sha256}</c>
/// to the order at dispatch (<see cref="FsWriteParameters.Upload"/>).
/// </summary>
public sealed class FsWrite : KindContract<FsWriteParameters, FsWriteResult>
{
    public static readonly FsWrite Contract = new();

    /// <summary>Text travels inside the order; anything larger is uploaded first and named by its uploadId.</summary>
    public const int MaxContentChars = 1024 * 1024;

    public override string Kind => TaskKinds.FsWrite;
    public override string Title => "Write a file";
    public override string Group => KindGroups.Files;
    public override string Action => "Write a file";
    public override IReadOnlyList<string> Stages { get; } = ["writing"];
    public override bool Destructive => false;
    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [PathParameter.Path];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        CommonParameters.FilePath,
        new ParameterSpec("content", ParameterType.String, false, "text to write (UTF-8; may be empty); or give uploadId", Max: MaxContentChars, AllowEmpty: true),
        new ParameterSpec("uploadId", ParameterType.String, false, "a file you uploaded with POST /api/v1/uploads; or give content", Max: 64),
        new ParameterSpec("overwrite", ParameterType.Boolean, false, "replace an existing file"),
    ];

    protected override IReadOnlyCollection<string> StationFields { get; } = ["upload"];

    /// <summary>fs.write takes its bytes from exactly one place.</summary>
    protected override string? Rules(FsWriteParameters p) => (p.Content is not null, p.UploadId is not null) switch
    {
        (true, true) => "give either 'content' or 'uploadId', not both",
        (false, false) => "give 'content' (text, may be empty) or 'uploadId' (a file uploaded with POST /api/v1/uploads)",
        _ => null,
    };
}

[MessagePackObject(true)]
public sealed record FsWriteParameters(string Path, string? Content = null, string? UploadId = null, bool? Overwrite = null, FsWriteUpload? Upload = null);

/// <summary>What the station adds to an fs.write order with an uploadId: the signed ticket to pull the upload, its size and SHA-256.</summary>
[MessagePackObject(true)]
public sealed record FsWriteUpload(string Ticket, long Size, string Sha256);

/// <summary><see cref="Sha256"/> and <see cref="UploadId"/> are there only for a write from an upload; a text write leaves them out.</summary>
[MessagePackObject(true)]
public sealed record FsWriteResult(
    string Path,
    long Bytes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sha256 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UploadId = null);
