using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.inventory {}</c> → what <see cref="StorageReader"/> reads, as a task (scripts and the CLI).</summary>
public sealed class StorageInventoryExecutor(StorageReader reader) : KindExecutor<StorageInventoryParameters, StorageInventoryResult>(StorageInventory.Contract)
{
    /// <summary>Waits on external processes.</summary>
    public override bool NeedsDedicatedThread => true;

    protected override Task<StorageInventoryResult> RunAsync(StorageInventoryParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        context.EnterStage(1, 1, "reading block devices (lsblk)");
        return reader.ReadAsync(context.Report, context.Log, cancellationToken);
    }
}
