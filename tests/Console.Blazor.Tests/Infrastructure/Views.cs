using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>Builders for the records components show; tests change what matters with <c>with</c>.</summary>
public static class Views
{
    public static readonly DateTimeOffset Created = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static TaskView Task(long id, string kind = "fs.checksum", string target = "unit-a", string state = "running",
        double progress = 0, string owner = "alice") =>
        new(id, kind, target, owner, Slot: 1, state, progress, Stage: null, StageIndex: 0, StageCount: 1,
            Parameters: null, Result: null, Error: null, DedicatedThread: null, HeldLocks: [], AwaitedLocks: [], WaitingFor: null,
            Created, StartedAt: state is "queued" or "waitingForLocks" ? null : Created.AddSeconds(1), EndedAt: null);

    public static TaskView Ended(this TaskView task, string state, string? error = null) =>
        task with { State = state, Error = error, Progress = state == "succeeded" ? 1 : task.Progress, EndedAt = Created.AddSeconds(10) };

    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static UnitView Unit(string id, string status = "online", DateTimeOffset? offlineSince = null, IReadOnlyList<DiskInfo>? disks = null) =>
        new(id, id, status, Parent: null, Os: "Debian GNU/Linux 12", Kernel: "6.1.0", Hostname: $"{id}.lab", CpuCount: 4,
            MemoryBytes: 8L << 30, Addresses: ["10.0.0.7"], Disks: disks ?? [], Roots: ["/srv/data"], LastSeen: Created, offlineSince);
}
