using System.Diagnostics;
using System.Runtime.InteropServices;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Monitoring;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>system.process.signal {pid, signal}</c>: TERM, KILL, HUP, STOP or CONT; never pid 1 or the agent itself.</summary>
public sealed class ProcessSignalExecutor() : KindExecutor<ProcessSignalParameters, ProcessSignalResult>(ProcessSignal.Contract)
{
    public override bool NeedsDedicatedThread => false;

    protected override Task<ProcessSignalResult> RunAsync(ProcessSignalParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        int pid = ProcessGuard.Pid(parameters.Pid);
        string signal = parameters.Signal;
        string command = ProcessGuard.CommandOf(pid);

        context.EnterStage(1, 1, $"sending SIG{signal} to {pid} ({command})");
        if (signal == "KILL")
        {
            try { using var p = Process.GetProcessById(pid); p.Kill(); }
            catch (ArgumentException) { throw TaskFailureException.NotFound($"process {pid} does not exist (it may have ended)"); }
        }
        else if (LibC.kill(pid, LibC.Signal(signal)) != 0)
        {
            throw new TaskFailureException($"kill({pid}, SIG{signal}) failed: {ProcessGuard.Errno(Marshal.GetLastPInvokeError())}");
        }
        context.Log($"sent SIG{signal} to {pid} ({command})");
        context.Report(1, $"SIG{signal} sent");
        return Task.FromResult(new ProcessSignalResult(pid, signal, command));
    }
}
