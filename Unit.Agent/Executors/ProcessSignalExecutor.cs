using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Monitoring;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>system.process.signal {pid, signal}</c>: TERM, KILL, HUP, STOP or CONT; never pid 1 or the agent itself.</summary>
public sealed class ProcessSignalExecutor : ITaskExecutor
{
    public string Kind => ProcessTaskKinds.Signal;
    public bool NeedsDedicatedThread => false;

    public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        int pid = ProcessGuard.Pid(parameters);
        string signal = parameters.RequiredString("signal").ToUpperInvariant();
        if (!ProcessTaskKinds.Signals.Contains(signal))
            throw new TaskFailure($"signal '{signal}' is not one of {string.Join(", ", ProcessTaskKinds.Signals)}");
        string command = ProcessGuard.CommandOf(pid);

        context.EnterStage(1, 1, $"sending SIG{signal} to {pid} ({command})");
        if (signal == "KILL")
        {
            try { using var p = Process.GetProcessById(pid); p.Kill(); }
            catch (ArgumentException) { throw new TaskFailure($"process {pid} does not exist (it may have ended)"); }
        }
        else if (LibC.kill(pid, LibC.Signal(signal)) != 0)
        {
            throw new TaskFailure($"kill({pid}, SIG{signal}) failed: {ProcessGuard.Errno(Marshal.GetLastPInvokeError())}");
        }
        context.Log($"sent SIG{signal} to {pid} ({command})");
        context.Report(1, $"SIG{signal} sent");
        return Task.FromResult<object?>(new { pid, signal, command });
    }
}
