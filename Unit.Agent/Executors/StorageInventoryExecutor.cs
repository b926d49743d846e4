using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.inventory {}</c> → the unit's block devices from lsblk JSON.</summary>
public sealed class StorageInventoryExecutor : ITaskExecutor
{
    public string Kind => TaskKinds.StorageInventory;

    /// <summary>Waits on an external process.</summary>
    public bool NeedsDedicatedThread => true;

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        context.EnterStage(1, 1, "reading block devices (lsblk)");
        var output = await ProcessRunner.RunAsync("lsblk", LsblkParser.Arguments, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(output.StdErr)) context.Log("lsblk: " + output.StdErr.Trim());
        if (output.ExitCode != 0)
            throw new TaskFailure($"lsblk exited with {output.ExitCode}: {output.StdErr.Trim()}");
        var disks = LsblkParser.Parse(output.StdOut);
        context.Report(1, $"{disks.Count} block devices");
        return new { disks };
    }
}
