namespace Ccdsvm.Shared.Contracts;

/// <summary>Methods an agent calls on the station's hub at <see cref="HubPaths.Agent"/>.</summary>
public interface IAgentHub
{
    Task Announce(UnitInventory inventory, IReadOnlyList<RunningTaskInfo> running);
    Task ReportStarted(TaskStarted started);
    Task ReportProgress(TaskProgress progress);
    Task ReportStageDone(TaskStageDone stageDone);
    Task ReportResult(TaskResult result);
    Task ReportSample(MetricsSample sample);
    Task ReportSummary(MetricsSummary summary);

    /// <summary>The agent received an order: the station stops sending it again.</summary>
    Task AcknowledgeOrder(OrderReceipt receipt);

    /// <summary>Renews the agent's lease; see <see cref="LeaseRequest"/>.</summary>
    Task<LeaseGrant> RenewLease(LeaseRequest request);
}

/// <summary>Methods the station calls on a connected agent.</summary>
public interface IAgentClient
{
    Task RunTask(TaskOrder order);
    Task CancelTask(long taskId);

    /// <summary>Starts (true) or stops (false) full-rate metrics samples from the agent.</summary>
    Task WatchMetrics(bool on);

    /// <summary>A client result: the unit's process table now.</summary>
    Task<ProcessList> GetProcesses();

    /// <summary>A client result: the threads of one process.</summary>
    Task<ThreadList> GetThreads(int pid);
}

public static class HubPaths
{
    public const string Agent = "/hubs/agent";

    /// <summary>Header carrying the unit's own credential (received at enrolment) on the hub connection.</summary>
    public const string AgentCredentialHeader = "X-Ccdsvm-Agent-Credential";

    /// <summary>Header carrying the unit name the credential belongs to.</summary>
    public const string AgentNameHeader = "X-Ccdsvm-Agent-Name";
}
