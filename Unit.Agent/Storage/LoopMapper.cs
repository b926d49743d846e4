using System.Text.Json;
using System.Text.Json.Serialization;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>
/// A partition reached through a loop device of its own (offset and size limit on the disk).
/// <paramref name="ParentBackFile"/> is the file behind a loop-device disk when the partition was mapped.
/// </summary>
public sealed record LoopPartition(string Parent, int Number, string Node, long OffsetBytes, long SizeBytes, string? ParentBackFile = null)
{
    /// <summary>The partition's name as a partition of its disk (/dev/loop2p1), which tasks and locks use.</summary>
    [JsonIgnore]
    public string PartitionPath => "/dev/" + DiskNames.Partition(BlockDevice.Name(Parent), Number);
}

/// <summary>
/// Maps partitions to loop devices where the kernel makes no partition nodes, and remembers the mapping in
/// a JSON file in the agent's data directory so later tasks and the inventory find the nodes again. Entries
/// are checked on every read: one someone detached by hand disappears, and one whose disk went away
/// (its loop device detached or re-attached to another file) or whose partition table no longer has that
/// partition there is detached (<see cref="LoopMapper.StaleAsync"/>).
/// </summary>
public sealed partial class LoopMapper(IOptions<AgentOptions> options, ILogger<LoopMapper> logger) : IDisposable
{
    public void Dispose() => _gate.Dispose();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly SemaphoreSlim _gate = new(1, 1);

    private string StatePath => Path.Combine(options.Value.EffectiveDataDirectory, "loop-partitions.json");

    public async Task<IReadOnlyList<LoopPartition>> AllAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try { return await LiveAsync(ct).ConfigureAwait(false); }
        finally { _gate.Release(); }
    }

    /// <summary>The mappings as last saved, unchecked: enough to recognise a node's name before the order runs.</summary>
    public IReadOnlyList<LoopPartition> Saved()
    {
        try { return Load(File.ReadAllText(StatePath)); }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException) { return []; }
    }

    public async Task<IReadOnlyList<LoopPartition>> PartitionsOfAsync(string parent, CancellationToken ct) =>
        (await AllAsync(ct).ConfigureAwait(false)).Where(p => p.Parent == parent).OrderBy(p => p.Number).ToList();

    public async Task<LoopPartition?> FindNodeAsync(string node, CancellationToken ct) =>
        (await AllAsync(ct).ConfigureAwait(false)).FirstOrDefault(p => p.Node == node);

    public async Task<LoopPartition> MapAsync(string parent, int number, long offset, long size, TaskContext? context, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            string node = (await Tool.RunAsync(context, "losetup",
                ["--find", "--show", "--offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "--sizelimit", size.ToString(System.Globalization.CultureInfo.InvariantCulture), parent], ct).ConfigureAwait(false)).Trim();
            string? backFile = (await LoopDevices.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(l => l.Name == parent)?.BackFile;
            var mapped = new LoopPartition(parent, number, node, offset, size, backFile);
            var all = (await LiveAsync(ct).ConfigureAwait(false)).Where(p => p.Node != node).Append(mapped).ToList();
            Save(all);
            context?.Log($"partition {number} of {parent} ({mapped.PartitionPath}) mapped to {node} (offset {offset}, {size} bytes)");
            return mapped;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Detaches every partition loop of <paramref name="parent"/>; the caller has checked none is in use.</summary>
    public async Task UnmapAsync(string parent, TaskContext? context, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var all = await LiveAsync(ct).ConfigureAwait(false);
            foreach (var p in all.Where(p => p.Parent == parent))
            {
                await Tool.RunAsync(context, "losetup", ["--detach", p.Node], ct).ConfigureAwait(false);
                context?.Log($"detached {p.Node} (partition {p.Number} of {parent})");
            }
            Save(all.Where(p => p.Parent != parent).ToList());
        }
        finally { _gate.Release(); }
    }

    private async Task<List<LoopPartition>> LiveAsync(CancellationToken ct)
    {
        if (!File.Exists(StatePath)) return [];
        var saved = Load(await File.ReadAllTextAsync(StatePath, ct).ConfigureAwait(false));
        if (saved.Count == 0) return saved;
        var loops = await LoopDevices.ListAsync(ct).ConfigureAwait(false);
        var live = new List<LoopPartition>();
        var tables = new Dictionary<string, PartitionLayout?>(StringComparer.Ordinal);
        foreach (var p in saved.Where(p => loops.Any(l => l.Name == p.Node && l.BackFile == p.Parent && l.Offset == p.OffsetBytes)))
        {
            string? why = await StaleAsync(p, loops, tables, ct).ConfigureAwait(false);
            if (why is null)
            {
                live.Add(p);
                continue;
            }
            var detach = await Tool.ProbeAsync("losetup", ["--detach", p.Node], ct).ConfigureAwait(false);
            if (detach.ExitCode == 0) LogDetachedStale(p.Node, p.Number, p.Parent, why);
            else LogDetachFailed(p.Node, p.Parent, why, detach.StdErr.Trim());
        }
        if (live.Count != saved.Count) Save(live);
        return live;
    }

    /// <summary>Why a mapping no longer stands for a partition of its disk, or null while it does.</summary>
    private static async Task<string?> StaleAsync(LoopPartition p, IReadOnlyList<LoopDevice> loops, Dictionary<string, PartitionLayout?> tables, CancellationToken ct)
    {
        if (BlockDevice.Name(p.Parent).StartsWith("loop", StringComparison.Ordinal))
        {
            var parent = loops.FirstOrDefault(l => l.Name == p.Parent);
            if (parent is null) return $"{p.Parent} is no longer attached";
            // losetup --detach on a loop device something still holds open only marks it autoclear.
            if (parent.AutoClear) return $"{p.Parent} was detached";
            if (p.ParentBackFile is not null && parent.BackFile != p.ParentBackFile)
                return $"{p.Parent} now holds another file ({parent.BackFile})";
        }
        else if (BlockDevice.Canonical(p.Parent) is null)
        {
            return $"{p.Parent} is gone";
        }
        if (!tables.TryGetValue(p.Parent, out var layout))
            tables[p.Parent] = layout = await PartitionTable.ReadAsync(p.Parent, ct).ConfigureAwait(false);
        return layout?.Partitions.Any(e => e.Number == p.Number && e.StartBytes == p.OffsetBytes && e.SizeBytes == p.SizeBytes) == true
            ? null
            : $"the partition table of {p.Parent} no longer has partition {p.Number} at offset {p.OffsetBytes} ({p.SizeBytes} bytes)";
    }

    private static List<LoopPartition> Load(string json) =>
        JsonSerializer.Deserialize<List<LoopPartition>>(json, Json) ?? [];

    private void Save(List<LoopPartition> all)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        string temp = StatePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(all, Json));
        File.Move(temp, StatePath, overwrite: true);
    }

    [LoggerMessage(340, LogLevel.Information, "Detached {Node}, the loop device for partition {Number} of {Parent}: {Reason}")]
    private partial void LogDetachedStale(string node, int number, string parent, string reason);

    [LoggerMessage(341, LogLevel.Warning, "Could not detach {Node} (a partition loop of {Parent}, stale because {Reason}): {Error}")]
    private partial void LogDetachFailed(string node, string parent, string reason, string error);
}
