using System.Text;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uploads;

namespace Ccdsvm.Station.Core.Volumes;

/// <summary>
/// Quotas at admission: a user's volumes together stay within their quota, and writes into a
/// volume that together are larger than the volume are refused before any byte moves. What admitted tasks
/// that have not ended yet will make (a volume being created or grown, a file being written) is reserved:
/// it counts until the task ends, so concurrent admissions cannot both pass. Runs inside admission on the
/// in-memory snapshot of <see cref="AccessControl"/> and the engine's admitted tasks, so it is quick; it
/// writes nothing (the engine audits the refusal inside its admission transaction).
/// </summary>
public sealed class VolumeQuotas(AccessControl access, UploadStore uploads) : IOrderPreparer
{
    private const long MiB = 1L << 20;

    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller) => CheckSubmit(kind, parametersJson, caller, []);

    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller, IEnumerable<TaskRow> admitted)
    {
        if (kind is not (TaskKinds.StorageVolumeCreate or TaskKinds.StorageVolumeResize or TaskKinds.FsWrite or TaskKinds.FilesUpload)) return null;
        using var doc = JsonDocument.Parse(parametersJson);
        var p = doc.RootElement;
        return kind is TaskKinds.StorageVolumeCreate or TaskKinds.StorageVolumeResize ? CheckVolume(kind, VolumeSize.Of(kind, p), caller, admitted) : CheckWrite(kind, p, caller, admitted);
    }

    public Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson) => parametersJson;

    /// <summary>The volume a path lies in, for the bytes written there; null outside every volume.</summary>
    public OwnedVolume? VolumeOf(string path) =>
        access.Volumes.FirstOrDefault(v => v.Mountpoint is { } m && (path == m || path.StartsWith(m.TrimEnd('/') + "/", StringComparison.Ordinal)));

    private StationError? CheckVolume(string kind, VolumeSize asked, Caller caller, IEnumerable<TaskRow> admitted)
    {
        var (owner, name, size) = asked;
        // Self-service (a quota, no storage role): volumes of one's own only.
        if (owner != caller.Name && !access.AllowsByRole(caller, "/units", Security.Privileges.ForKind(kind)))
        {
            return StationError.Forbidden($"you may create and grow volumes only for yourself ('owner': '{caller.Name}'); a StorageAdmin can make volumes for others");
        }
        if (access.QuotaOf(owner) is not { } quota) return null;
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var v in access.Volumes.Where(v => v.Owner == owner)) sizes[v.Name] = sizes.GetValueOrDefault(v.Name) + v.SizeMiB;
        long reserved = 0;
        foreach (var (otherName, otherSize) in Reservations(owner, admitted))
        {
            // A volume being created or grown counts once, at the larger of its recorded and its coming size.
            long before = sizes.GetValueOrDefault(otherName);
            if (otherName != name && otherSize > before) reserved += otherSize - before;
            sizes[otherName] = Math.Max(before, otherSize);
        }
        long others = sizes.Where(s => s.Key != name).Sum(s => s.Value);
        if (others + size <= quota) return null;
        string pending = reserved > 0 ? $", {reserved} MiB of it in volumes being created or grown" : "";
        var refusal = $"{(kind == TaskKinds.StorageVolumeCreate ? "creating" : "growing")} volume {owner}/{name} to {size} MiB would give {owner} {others + size} MiB of volumes{pending}; their quota is {quota} MiB ({Math.Max(0, quota - others)} MiB left)";
        return StationError.Forbidden(refusal);
    }

    /// <summary>The volumes of <paramref name="owner"/> that admitted, unended tasks create or grow, with their coming size.</summary>
    private static IEnumerable<(string Name, long SizeMiB)> Reservations(string owner, IEnumerable<TaskRow> admitted)
    {
        foreach (var row in admitted)
        {
            if (row.Kind is not (TaskKinds.StorageVolumeCreate or TaskKinds.StorageVolumeResize)) continue;
            using var doc = JsonDocument.Parse(row.Parameters);
            var other = VolumeSize.Of(row.Kind, doc.RootElement);
            if (other.Owner != owner) continue;
            yield return (other.Name, other.SizeMiB);
        }
    }

    private StationError? CheckWrite(string kind, JsonElement p, Caller caller, IEnumerable<TaskRow> admitted)
    {
        var write = WriteSize.Of(kind, p);
        if (VolumeOf(write.Path) is not { } volume) return null;
        long bytes = BytesOf(write, caller.Name);
        long pending = 0;
        foreach (var row in admitted)
        {
            if (row.Kind is not (TaskKinds.FsWrite or TaskKinds.FilesUpload)) continue;
            using var doc = JsonDocument.Parse(row.Parameters);
            var other = WriteSize.Of(row.Kind, doc.RootElement);
            if (VolumeOf(other.Path) == volume) pending += BytesOf(other, row.Owner);
        }
        long limit = volume.SizeMiB * MiB;
        if (bytes + pending <= limit) return null;
        string writing = pending > 0 ? $" with {pending:N0} bytes being written there already" : "";
        var refusal = $"writing {bytes:N0} bytes into volume {volume.Owner}/{volume.Name}{writing} exceeds its quota of {volume.SizeMiB} MiB ({limit:N0} bytes); nothing was written";
        return StationError.Forbidden(refusal);
    }

    /// <summary>The bytes a write brings: its text, a browser upload's announced length, or its staged upload's size.</summary>
    private long BytesOf(WriteSize write, string owner) =>
        write.Bytes ?? (write.UploadId is { } id && uploads.Find(id, owner) is { Ok: true } found ? found.Value!.Size : 0);
}

/// <summary>
/// The file an fs.write or files.upload names and the bytes it brings when the parameters say so (text, or a browser
/// upload's announced size); null bytes with an <see cref="UploadId"/> when they lie in a staged upload.
/// </summary>
internal readonly record struct WriteSize(string Path, long? Bytes, string? UploadId)
{
    public static WriteSize Of(string kind, JsonElement parameters) => kind == TaskKinds.FilesUpload
        ? FilesUpload.Contract.ReadValidated(parameters) is var u ? new(u.Path, (long)(u.Size ?? 0), null) : default
        : FsWrite.Contract.ReadValidated(parameters) is var w ? new(w.Path, w.Content is { } text ? Encoding.UTF8.GetByteCount(text) : null, w.UploadId) : default;
}

/// <summary>The volume a create or resize names and the size it asks for, read from the kind's typed parameters.</summary>
internal readonly record struct VolumeSize(string Owner, string Name, long SizeMiB)
{
    public static VolumeSize Of(string kind, JsonElement parameters) => kind == TaskKinds.StorageVolumeCreate
        ? StorageVolumeCreate.Contract.ReadValidated(parameters) is var c ? new(c.Owner, c.Name, (long)c.SizeMiB) : default
        : StorageVolumeResize.Contract.ReadValidated(parameters) is var r ? new(r.Owner, r.Name, (long)r.SizeMiB) : default;
}
