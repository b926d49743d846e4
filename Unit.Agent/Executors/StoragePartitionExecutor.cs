using System.Text;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>storage.partition {device, table, partitions: [{sizeMiB | "rest", type, name?}], force?}</c>: writes the
/// table with sfdisk and reports each partition's node; where the kernel makes no partition nodes (loop
/// devices) each partition gets a loop device of its own.
/// </summary>
public sealed class StoragePartitionExecutor(DeviceGuard guard, LoopMapper mapper) : KindExecutor<StoragePartitionParameters, StoragePartitionResult>(StoragePartition.Contract)
{
    private sealed record Wanted(long? SizeMiB, string Type, string? Name);

    public override bool NeedsDedicatedThread => true;

    protected override async Task<StoragePartitionResult> RunAsync(StoragePartitionParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string device = parameters.Device;
        string table = parameters.Table;
        var wanted = Read(parameters);
        bool force = parameters.Force == true;

        context.EnterStage(1, 3, $"checking {device}");
        string real = await guard.CheckAsync(device, DeviceChecks.Destructive, force, cancellationToken).ConfigureAwait(false);
        long wantedBytes = wanted.Sum(w => (w.SizeMiB ?? 0) * 1024 * 1024);
        if (wantedBytes >= BlockDevice.SizeBytes(real))
            throw TaskFailureException.Invalid($"the partitions ask for {wantedBytes / (1024 * 1024)} MiB but '{device}' has only {BlockDevice.SizeBytes(real) / (1024 * 1024)} MiB (less the table itself)");

        context.EnterStage(2, 3, $"writing a {table} table on {real}");
        await mapper.UnmapAsync(real, context, cancellationToken).ConfigureAwait(false);
        if (force) await Tool.RunAsync(context, "wipefs", ["--all", real], cancellationToken).ConfigureAwait(false);
        string script = Script(table, wanted);
        context.Log("sfdisk script: " + script.Replace('\n', ';'));
        await Tool.RunAsync(context, "sfdisk", ["--wipe", "always", "--wipe-partitions", "always", real], cancellationToken, script).ConfigureAwait(false);

        context.EnterStage(3, 3, "finding partition nodes");
        var layout = await PartitionTable.ReadAsync(real, cancellationToken).ConfigureAwait(false)
            ?? throw new TaskFailureException($"sfdisk reported success but no partition table can be read back from '{real}'");
        var nodes = await NodesAsync(real, layout, context, cancellationToken).ConfigureAwait(false);
        context.Report(1, $"{layout.Partitions.Count} partitions");
        return new StoragePartitionResult(real, layout.Label == "dos" ? "msdos" : layout.Label,
            // Where the kernel makes no partition nodes, the backing node is the loop device this agent attached for the partition.
            layout.Partitions.Select(p => new PartitionResult(p.Number, nodes[p.Number].Node, nodes[p.Number].Backing, p.StartBytes, p.SizeBytes, p.Type, p.Name)).ToList());
    }

    /// <summary>Each partition's node by number; a partition reached through a loop device is named as a partition of its disk (loop2p1), with the loop device as its backing node.</summary>
    private async Task<Dictionary<int, (string Node, string? Backing)>> NodesAsync(string real, PartitionLayout layout, TaskContext context, CancellationToken ct)
    {
        if (!BlockDevice.LacksPartitionNodes(real))
        {
            // udev may take a moment to create the nodes after sfdisk's re-read.
            for (int i = 0; i < 20; i++)
            {
                var kernel = BlockDevice.KernelPartitions(real).ToDictionary(k => k.Number, k => (k.Node, (string?)null));
                if (layout.Partitions.All(p => kernel.ContainsKey(p.Number) && File.Exists(kernel[p.Number].Node))) return kernel;
                await Task.Delay(250, ct).ConfigureAwait(false);
            }
            context.Log($"the kernel made no partition nodes for {real}; mapping them with loop devices");
        }
        var nodes = new Dictionary<int, (string, string?)>();
        foreach (var p in layout.Partitions)
        {
            var mapped = await mapper.MapAsync(real, p.Number, p.StartBytes, p.SizeBytes, context, ct).ConfigureAwait(false);
            nodes[p.Number] = (mapped.PartitionPath, mapped.Node);
        }
        return nodes;
    }

    private static List<Wanted> Read(StoragePartitionParameters parameters)
    {
        var list = new List<Wanted>();
        foreach (var (item, i) in parameters.Partitions.Select((p, i) => (p, i)))
        {
            string type = item.Type ?? "linux";
            if (!PartitionTable.Shortcuts.ContainsKey(type))
                throw TaskFailureException.Invalid($"partitions[{i}].type must be one of {string.Join(", ", PartitionTable.Shortcuts.Keys)}; got '{type}'");
            list.Add(new Wanted(item.SizeMiB.MiB is { } mib ? (long)mib : null, type, item.Name));
        }
        return list;
    }

    private static string Script(string table, List<Wanted> wanted)
    {
        var sb = new StringBuilder().Append("label: ").Append(table == "msdos" ? "dos" : "gpt").Append('\n');
        foreach (var w in wanted)
        {
            if (w.SizeMiB is { } mib) sb.Append("size=").Append(mib).Append("MiB, ");
            sb.Append("type=").Append(PartitionTable.Shortcuts[w.Type]);
            if (w.Name is not null) sb.Append(", name=\"").Append(w.Name).Append('"');
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
