using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>net.inventory {}</c> → interfaces, addresses, routes and DNS servers as the kernel has them (<see cref="NetReader"/>),
/// and what keeps configuration across a reboot (<see cref="NetBackendDetector"/>).
/// </summary>
public sealed class NetInventoryExecutor(NetBackendDetector detector) : KindExecutor<NetInventoryParameters, NetInventoryResult>(NetInventory.Contract)
{
    /// <summary>Waits on external processes.</summary>
    public override bool NeedsDedicatedThread => true;

    protected override async Task<NetInventoryResult> RunAsync(NetInventoryParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        context.EnterStage(1, 1, NetInventory.Contract.Stages[0]);
        var network = await new NetReader().ReadAsync(context.Log, cancellationToken).ConfigureAwait(false);
        return network with { Backend = await detector.DetectAsync(cancellationToken).ConfigureAwait(false) };
    }
}
