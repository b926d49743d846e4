using System.Runtime.InteropServices;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Monitoring;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>system.process.renice {pid, nice}</c>: setpriority(2) with a nice value from -20 to 19.</summary>
public sealed class ProcessReniceExecutor() : KindExecutor<ProcessReniceParameters, ProcessReniceResult>(ProcessRenice.Contract)
{
    public override bool NeedsDedicatedThread => false;

    protected override Task<ProcessReniceResult> RunAsync(ProcessReniceParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        int pid = ProcessGuard.Pid(parameters.Pid);
        int nice = parameters.Nice;
        string command = ProcessGuard.CommandOf(pid);

        context.EnterStage(1, 1, $"setting nice {nice} on {pid} ({command})");
        if (LibC.setpriority(LibC.PRIO_PROCESS, (uint)pid, nice) != 0)
            throw new TaskFailureException($"setpriority({pid}, {nice}) failed: {ProcessGuard.Errno(Marshal.GetLastPInvokeError())}");
        context.Report(1, $"nice {nice}");
        return Task.FromResult(new ProcessReniceResult(pid, nice, command));
    }
}
