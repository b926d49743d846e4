using System.Runtime.InteropServices;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Monitoring;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>system.process.renice {pid, nice}</c>: setpriority(2) with a nice value from -20 to 19.</summary>
public sealed class ProcessReniceExecutor : ITaskExecutor
{
    public string Kind => ProcessTaskKinds.Renice;
    public bool NeedsDedicatedThread => false;

    public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        int pid = ProcessGuard.Pid(parameters);
        double n = parameters.RequiredNumber("nice");
        if (n != Math.Floor(n) || n < -20 || n > 19) throw new TaskFailure("parameter 'nice' must be a whole number from -20 to 19");
        int nice = (int)n;
        string command = ProcessGuard.CommandOf(pid);

        context.EnterStage(1, 1, $"setting nice {nice} on {pid} ({command})");
        if (LibC.setpriority(LibC.PRIO_PROCESS, (uint)pid, nice) != 0)
            throw new TaskFailure($"setpriority({pid}, {nice}) failed: {ProcessGuard.Errno(Marshal.GetLastPInvokeError())}");
        context.Report(1, $"nice {nice}");
        return Task.FromResult<object?>(new { pid, nice, command });
    }
}
