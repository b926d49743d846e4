using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>net.inventory {}</c> → interfaces, addresses, routes and DNS servers as the kernel has them (<see cref="NetReader"/>).</summary>
public sealed class NetInventoryExecutor() : KindExecutor<NetInventoryParameters, NetInventoryResult>(NetInventory.Contract)
{
    /// <summary>Waits on external processes.</summary>
    public override bool NeedsDedicatedThread => true;

    protected override Task<NetInventoryResult> RunAsync(NetInventoryParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        context.EnterStage(1, 1, NetInventory.Contract.Stages[0]);
        return new NetReader().ReadAsync(context.Log, cancellationToken);
    }
}
