using System.Globalization;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>Checks shared by the process tasks: a real pid, never init and never this agent.</summary>
internal static class ProcessGuard
{
    /// <summary>The contract has refused pid 1 and anything not a positive whole number already; this agent refuses itself too.</summary>
    public static int Pid(int pid)
    {
        if (pid == 1) throw TaskFailureException.Refused("refused: pid 1 is the unit's init process; signalling or renicing it would take the whole unit down");
        if (pid == Environment.ProcessId) throw TaskFailureException.Refused($"refused: pid {pid} is this unit's agent; it cannot act on itself");
        return pid;
    }

    /// <summary>The process's command name, or a failure naming the pid when it does not exist.</summary>
    public static string CommandOf(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm").Trim(); }
        catch (IOException) { throw TaskFailureException.NotFound($"process {pid} does not exist (it may have ended)"); }
    }

    public static string Errno(int errno) => errno switch
    {
        1 => "not permitted (EPERM): the agent's user may not act on this process",
        3 => "no such process (ESRCH)",
        13 => "permission denied (EACCES): lowering a nice value needs CAP_SYS_NICE",
        _ => $"errno {errno}",
    };
}
