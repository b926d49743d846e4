using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Browser downloads and uploads as tasks on a unit, run at the station while the HTTP request streams the
/// bytes: a download holds its path shared, an upload exclusive, for as long as bytes move. They are admitted
/// only by <c>GET</c>/<c>PUT /api/v1/units/{id}/files</c>, which names its own transfer in <c>transferId</c>.
/// </summary>
public static class BrowserTransferKinds
{
    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return TaskKindDefinition.From(FilesDownload.Contract, (unit, p) => [new LockRequest(ResourcePath.File(unit, p.Path), LockMode.Shared)]);
        yield return TaskKindDefinition.From(FilesUpload.Contract, (unit, p) => [new LockRequest(ResourcePath.File(unit, p.Path), LockMode.Exclusive)]);
    }

    public static bool Is(string kind) => FilesTransfer.Is(kind);

    /// <summary>The transfer a files.* task's stored parameters name; null for parameters that name none.</summary>
    public static string? TransferIdOf(string kind, JsonElement parameters) => Read(kind, parameters)?.TransferId;

    /// <summary>The file a files.* task's stored parameters name; null for another kind or parameters that name none.</summary>
    public static string? PathOf(string kind, JsonElement parameters) => Read(kind, parameters)?.Path;

    private static (string Path, string TransferId)? Read(string kind, JsonElement parameters)
    {
        if (!Is(kind) || parameters.ValueKind != JsonValueKind.Object) return null;
        try
        {
            if (kind == TaskKinds.FilesDownload)
            {
                var download = FilesDownload.Contract.ReadValidated(parameters);
                return (download.Path, download.TransferId);
            }
            var upload = FilesUpload.Contract.ReadValidated(parameters);
            return (upload.Path, upload.TransferId);
        }
        catch (KindContractException)
        {
            return null;
        }
    }
}
