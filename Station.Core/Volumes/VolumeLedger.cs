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
        if (t.Kind is not (TaskKinds.StorageVolumeCreate or TaskKinds.StorageVolumeResize or TaskKinds.StorageVolumeDelete)) return;
        string owner = p.GetProperty("owner").GetString()!;
        string name = p.GetProperty("name").GetString()!;
        using var c = db.Open();
        using (db.Writing())
        switch (t.Kind)
        {
            case TaskKinds.StorageVolumeCreate:
                string? mountpoint = t.Result is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("mountpoint", out var m) ? m.GetString() : null;
                c.Execute("""
                    INSERT INTO volumes(unit, name, owner, size_mib, mountpoint, created_at) VALUES (@unit, @id, @owner, @size, @mountpoint, @now)
                    ON CONFLICT(unit, name) DO UPDATE SET owner=@owner, size_mib=@size, mountpoint=@mountpoint
                    """, new { unit = t.Target, id = name, owner, size = (long)p.GetProperty("sizeMiB").GetDouble(), mountpoint, now = StoreTime.Format(access.Now) });
                break;
            case TaskKinds.StorageVolumeResize:
                c.Execute("UPDATE volumes SET size_mib=@size WHERE unit=@unit AND name=@name AND owner=@owner",
                    new { unit = t.Target, name, owner, size = (long)p.GetProperty("sizeMiB").GetDouble() });
                break;
            default:
                c.Execute("DELETE FROM volumes WHERE unit=@unit AND name=@name AND owner=@owner", new { unit = t.Target, name, owner });
                break;
        }
        access.Reload($"volume {owner}/{name}");
    }
}
