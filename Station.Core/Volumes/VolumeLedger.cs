using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Station.Core.Volumes;

/// <summary>
/// Keeps the station's list of volumes (owner, size, mount point) from the volume tasks that succeed, so
/// ownership and quotas are decided at the station before anything is dispatched.
/// </summary>
public sealed class VolumeLedger(StationDb db, TaskNotifier notifier, AccessControl access) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(OnUpdate);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void OnUpdate(TaskUpdate update)
    {
        var t = update.Task;
        if (t.State != Shared.Contracts.TaskStateNames.Succeeded || t.Parameters is not { } p) return;
        string owner, name;
        using var c = db.Open();
        using (db.Writing())
        switch (t.Kind)
        {
            case TaskKinds.StorageVolumeCreate:
                var created = StorageVolumeCreate.Contract.ReadValidated(p);
                (owner, name) = (created.Owner, created.Name);
                string? mountpoint = t.Result is { ValueKind: JsonValueKind.Object } r ? StorageVolumeCreate.Contract.ReadResult(r)?.Mountpoint : null;
                c.Execute("""
                    INSERT INTO volumes(unit, name, owner, size_mib, mountpoint, created_at) VALUES (@unit, @name, @owner, @size, @mountpoint, @now)
                    ON CONFLICT(unit, owner, name) DO UPDATE SET size_mib=@size, mountpoint=@mountpoint
                    """, new { unit = t.Target, name, owner, size = (long)created.SizeMiB, mountpoint, now = StoreTime.Format(access.Now) });
                break;
            case TaskKinds.StorageVolumeResize:
                var resized = StorageVolumeResize.Contract.ReadValidated(p);
                (owner, name) = (resized.Owner, resized.Name);
                c.Execute("UPDATE volumes SET size_mib=@size WHERE unit=@unit AND name=@name AND owner=@owner",
                    new { unit = t.Target, name, owner, size = (long)resized.SizeMiB });
                break;
            case TaskKinds.StorageVolumeDelete:
                var deleted = StorageVolumeDelete.Contract.ReadValidated(p);
                (owner, name) = (deleted.Owner, deleted.Name);
                c.Execute("DELETE FROM volumes WHERE unit=@unit AND name=@name AND owner=@owner", new { unit = t.Target, name, owner });
                break;
            default:
                return;
        }
        access.Reload($"volume {VolumeIds.Of(owner, name)}");
    }
}
