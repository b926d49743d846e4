using System.Text.Json;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>A partition reached through a loop device of its own (offset and size limit on the disk).</summary>
public sealed record LoopPartition(string Parent, int Number, string Node, long OffsetBytes, long SizeBytes);

/// <summary>
/// Maps partitions to loop devices where the kernel makes no partition nodes, and remembers the mapping in
/// a JSON file in the agent's data directory so later tasks and the inventory find the nodes again. Entries
/// are checked against losetup on every read, so a mapping someone detached by hand disappears.
/// </summary>
public sealed class LoopMapper(IOptions<AgentOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly SemaphoreSlim _gate = new(1, 1);

    private string StatePath => Path.Combine(options.Value.EffectiveDataDirectory, "loop-partitions.json");

    public async Task<IReadOnlyList<LoopPartition>> AllAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try { return await LiveAsync(ct).ConfigureAwait(false); }
        finally { _gate.Release(); }
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
            var mapped = new LoopPartition(parent, number, node, offset, size);
            var all = (await LiveAsync(ct).ConfigureAwait(false)).Where(p => p.Node != node).Append(mapped).ToList();
            Save(all);
            context?.Log($"partition {number} of {parent} mapped to {node} (offset {offset}, {size} bytes)");
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
        var saved = JsonSerializer.Deserialize<List<LoopPartition>>(await File.ReadAllTextAsync(StatePath, ct).ConfigureAwait(false), Json) ?? [];
        if (saved.Count == 0) return saved;
        var loops = await LoopDevices.ListAsync(ct).ConfigureAwait(false);
        var live = saved.Where(p => loops.Any(l => l.Name == p.Node && l.BackFile == p.Parent && l.Offset == p.OffsetBytes)).ToList();
        if (live.Count != saved.Count) Save(live);
        return live;
    }

    private void Save(List<LoopPartition> all)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        string temp = StatePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(all, Json));
        File.Move(temp, StatePath, overwrite: true);
    }
}
