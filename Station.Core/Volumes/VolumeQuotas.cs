using System.Text;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uploads;

namespace Ccdsvm.Station.Core.Volumes;

/// <summary>
/// Quotas at admission (claim 29a): a user's volumes together stay within their quota, and a write into a
/// volume that is larger than the volume is refused before any byte moves. Runs inside admission on the
/// in-memory snapshot of <see cref="AccessControl"/>, so it is quick; it writes nothing (the engine audits
/// the refusal inside its admission transaction).
/// </summary>
public sealed class VolumeQuotas(AccessControl access, UploadStore uploads) : IOrderPreparer
{
    private const long MiB = 1L << 20;

    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller)
    {
        if (kind is not (TaskKinds.StorageVolumeCreate or TaskKinds.StorageVolumeResize or TaskKinds.FsWrite)) return null;
        using var doc = JsonDocument.Parse(parametersJson);
        var p = doc.RootElement;
        return kind == TaskKinds.FsWrite ? CheckWrite(p, caller) : CheckVolume(kind, p, caller);
    }

    public Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson) => parametersJson;

    private StationError? CheckVolume(string kind, JsonElement p, Caller caller)
    {
        string owner = p.GetProperty("owner").GetString()!;
        string name = p.GetProperty("name").GetString()!;
        // Self-service (a quota, no storage role): volumes of one's own only.
        if (owner != caller.Name && !access.AllowsByRole(caller, "/units", Security.Privileges.ForKind(kind)))
        {
            return StationError.Forbidden($"you may create and grow volumes only for yourself ('owner': '{caller.Name}'); a StorageAdmin can make volumes for others");
        }
        long size = (long)p.GetProperty("sizeMiB").GetDouble();
        if (access.QuotaOf(owner) is not { } quota) return null;
        long others = access.Volumes.Where(v => v.Owner == owner && v.Name != name).Sum(v => v.SizeMiB);
        if (others + size <= quota) return null;
        var refusal = $"{(kind == TaskKinds.StorageVolumeCreate ? "creating" : "growing")} volume {owner}/{name} to {size} MiB would give {owner} {others + size} MiB of volumes; their quota is {quota} MiB ({Math.Max(0, quota - others)} MiB left)";
        return StationError.Forbidden(refusal);
    }

    private StationError? CheckWrite(JsonElement p, Caller caller)
    {
        string path = p.GetProperty("path").GetString()!;
        var volume = access.Volumes.FirstOrDefault(v => v.Mountpoint is { } m && (path == m || path.StartsWith(m.TrimEnd('/') + "/", StringComparison.Ordinal)));
        if (volume is null) return null;
        long bytes = p.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetByteCount(c.GetString()!)
            : p.TryGetProperty("uploadId", out var u) && uploads.Find(u.GetString(), caller.Name) is { Ok: true } found ? found.Value!.Size : 0;
        long limit = volume.SizeMiB * MiB;
        if (bytes <= limit) return null;
        var refusal = $"writing {bytes:N0} bytes into volume {volume.Owner}/{volume.Name} exceeds its quota of {volume.SizeMiB} MiB ({limit:N0} bytes); nothing was written";
        return StationError.Forbidden(refusal);
    }
}
