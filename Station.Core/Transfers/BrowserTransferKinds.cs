using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Browser downloads and uploads as tasks on a unit, run at the station while the HTTP request streams the
/// bytes: a download holds its path shared, an upload exclusive, for as long as bytes move. They are admitted
/// only by <c>GET</c>/<c>PUT /api/v1/units/{id}/files</c>, which names its own transfer in <c>transferId</c>.
/// </summary>
public static class BrowserTransferKinds
{
    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        var path = new ParameterSpec("path", ParameterType.String, true, "absolute path of the file inside one of the unit's roots", Example: "/srv/data/file.bin", IsPath: true);
        var transfer = new ParameterSpec("transferId", ParameterType.String, true, "the HTTP transfer that streams the bytes (set by GET/PUT /api/v1/units/{id}/files)", Max: 64);
        yield return new TaskKindDefinition(TaskKinds.FilesDownload, "Download a file to the browser", Privileges.FilesDownload, 1, false, [path, transfer],
            (unit, p) => [new LockRequest(ResourcePath.File(unit, p.GetProperty("path").GetString()!), LockMode.Shared)]);
        yield return new TaskKindDefinition(TaskKinds.FilesUpload, "Upload a file from the browser", Privileges.FilesUpload, 1, false,
            [path, transfer,
             new ParameterSpec("size", ParameterType.Number, false, "bytes announced by the request (Content-Length); counted against a volume's quota", 0),
             new ParameterSpec("overwrite", ParameterType.Boolean, false, "replace an existing file")],
            (unit, p) => [new LockRequest(ResourcePath.File(unit, p.GetProperty("path").GetString()!), LockMode.Exclusive)]);
    }

    public static bool Is(string kind) => kind is TaskKinds.FilesDownload or TaskKinds.FilesUpload;

    public static string? TransferIdOf(JsonElement parameters) =>
        parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("transferId", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
}
