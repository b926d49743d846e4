using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>files.download {path, transferId}</c> → <c>{path, bytes, status}</c>: a browser download, run at the station
/// while <c>GET /api/v1/units/{id}/files</c> streams the file; it holds the path shared.
/// </summary>
public sealed class FilesDownload : KindContract<FilesDownloadParameters, FilesTransferResult>
{
    public static readonly FilesDownload Contract = new();

    public override string Kind => TaskKinds.FilesDownload;
    public override string Title => "Download a file to the browser";
    public override string Group => KindGroups.Data;
    public override string Action => "Download";
    public override string Privilege => "Files.Download";
    public override IReadOnlyList<string> Stages { get; } = ["sending the file"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [FilesTransfer.Path, FilesTransfer.TransferId];
}

/// <summary>
/// <c>files.upload {path, transferId, size?, overwrite?, offset?}</c> → <c>{path, bytes, status}</c>: a browser upload, run at
/// the station while <c>PUT /api/v1/units/{id}/files</c> streams the file; it holds the path exclusive.
/// </summary>
public sealed class FilesUpload : KindContract<FilesUploadParameters, FilesTransferResult>
{
    public static readonly FilesUpload Contract = new();

    public override string Kind => TaskKinds.FilesUpload;
    public override string Title => "Upload a file from the browser";
    public override string Group => KindGroups.Data;
    public override string Action => "Upload";
    public override string Privilege => "Files.Upload";
    public override IReadOnlyList<string> Stages { get; } = ["receiving the file"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        FilesTransfer.Path,
        FilesTransfer.TransferId,
        new("size", ParameterType.Number, false, "bytes announced by the request (Content-Length); counted against a volume's quota", 0),
        new("overwrite", ParameterType.Boolean, false, "replace an existing file"),
        new("offset", ParameterType.Number, false, "resumes an interrupted upload: the bytes the unit kept, which the request does not send again", 0),
    ];
}

/// <summary>The parameter specs both browser transfers share.</summary>
public static class FilesTransfer
{
    public static readonly ParameterSpec Path = CommonParameters.Path with { Description = "absolute path of the file inside one of the unit's roots" };

    public static readonly ParameterSpec TransferId = new("transferId", ParameterType.String, true, "the HTTP transfer that streams the bytes (set by GET/PUT /api/v1/units/{id}/files)", Max: 64);

    public static bool Is(string kind) => kind is TaskKinds.FilesDownload or TaskKinds.FilesUpload;
}

[MessagePackObject(true)]
public sealed record FilesDownloadParameters(string Path, string TransferId);

[MessagePackObject(true)]
public sealed record FilesUploadParameters(string Path, string TransferId, double? Size = null, bool? Overwrite = null, double? Offset = null);

/// <summary>What a browser transfer moved: the file, its bytes and the unit's HTTP status.</summary>
[MessagePackObject(true)]
public sealed record FilesTransferResult(string Path, long Bytes, int Status);
