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

    /// <summary>
    /// A mid station's uplink only (README, "Layered stations"): a full-rate sample of a unit below it, watched for the
    /// station above (<see cref="IAgentClient.WatchMetricsOf"/>). Refused for a unit not reached through the caller.
    /// </summary>
    Task ReportSampleOf(string unitId, MetricsSample sample);

    /// <summary>As <see cref="ReportSampleOf"/>, a summary of a unit below the mid station, sent up as it comes.</summary>
    Task ReportSummaryOf(string unitId, MetricsSummary summary);

    /// <summary>The unit's storage as it is now: sent on connect and after every storage task ends. No task, no lock.</summary>
    Task ReportStorage(Kinds.StorageInventoryResult storage);

    /// <summary>The agent received an order: the station stops sending it again.</summary>
    Task AcknowledgeOrder(OrderReceipt receipt);

    /// <summary>Renews the agent's lease; see <see cref="LeaseRequest"/>.</summary>
    Task<LeaseGrant> RenewLease(LeaseRequest request);

    /// <summary>
    /// The destination of a data.move "move" reports what it verified and receives the station's signed
    /// <see cref="SourceDeletion"/>: the only thing that lets the source unit delete the source.
    /// </summary>
    Task<string> AuthoriseSourceDeletion(SourceDeletionRequest request);

    /// <summary>
    /// Issues the unit's data-plane certificate for the key of <paramref name="certificateRequestPem"/> (a PKCS#10
    /// request, at most <see cref="Tls.UnitCertificates.MaxRequestLength"/> characters; its subject is ignored): the
    /// station's CA signs a short-lived certificate naming the connection's unit. Returns the PEM chain, the unit's
    /// certificate first and the CA last.
    /// </summary>
    Task<string> RequestCertificate(string certificateRequestPem);

    /// <summary>
    /// A mid station's units below it (only a unit of kind station may call it): the whole subtree after each
    /// announce, then changes. The station lists them with their parent and routes their tasks through the caller.
    /// </summary>
    Task AnnounceSubtree(SubtreeUpdate update);
}

/// <summary>What the destination of a move verified: its ticket, and the source's type, size, mtime and SHA-256 (a tree's listing digest).</summary>
[MessagePack.MessagePackObject]
public sealed record SourceDeletionRequest(
    [property: MessagePack.Key(0)] long TaskId,
    [property: MessagePack.Key(1)] string Ticket,
    [property: MessagePack.Key(2)] string Type,
    [property: MessagePack.Key(3)] long Size,
    [property: MessagePack.Key(4)] long MtimeTicks,
    [property: MessagePack.Key(5)] string Sha256);

/// <summary>Methods the station calls on a connected agent.</summary>
public interface IAgentClient
{
    Task RunTask(TaskOrder order);
    Task CancelTask(long taskId);

    /// <summary>
    /// Keeps what a running task applied on probation (net.configure): the agent stops its rollback timer and the task
    /// ends as confirmed. Unknown or already ended tasks are ignored.
    /// </summary>
    Task ConfirmTask(long taskId);

    /// <summary>Starts (true) or stops (false) full-rate metrics samples from the agent.</summary>
    Task WatchMetrics(bool on);

    /// <summary>
    /// Asked of a mid station's uplink only: as <see cref="WatchMetrics"/> for the unit below it that the order's signed
    /// ticket names (<see cref="Tickets.ViewOrders.Metrics"/>, parameters <c>{"on":true}</c> or <c>{"on":false}</c>), whose
    /// samples come up with <see cref="IAgentHub.ReportSampleOf"/>.
    /// </summary>
    Task WatchMetricsOf(TaskOrder order);

    /// <summary>A client result: the unit's process table now.</summary>
    Task<ProcessList> GetProcesses();

    /// <summary>A client result: the threads of one process.</summary>
    Task<ThreadList> GetThreads(int pid);

    /// <summary>A client result: the unit's storage read now, without a task or a lock (a storage view being opened).</summary>
    Task<Kinds.StorageInventoryResult> GetStorage();

    /// <summary>
    /// A client result: a read-only kind (<see cref="Kinds.IKindContract.ReadsOnly"/>) answered at once, without a task
    /// or a lock. The order carries a station-signed ticket (task id 0) that the unit checks exactly as a task's.
    /// </summary>
    Task<ViewReadAnswer> Read(TaskOrder order);

    /// <summary>
    /// A client result asked of a mid station's uplink only (README, "Layered stations"): the storage of the unit below it
    /// that the order's ticket names, signed by this station for its user (<see cref="Tickets.ViewOrders.Storage"/>); the
    /// mid station checks the signature against the key it pinned, then reads as that user (<c>user@label</c> there; its
    /// ACL decides). The answer's result is the <see cref="Kinds.StorageInventoryResult"/> as JSON, or why not.
    /// </summary>
    Task<ViewReadAnswer> GetStorageOf(TaskOrder order);

    /// <summary>As <see cref="GetStorageOf"/>, the process table (a <see cref="ProcessList"/> as JSON) of a unit below (<see cref="Tickets.ViewOrders.Processes"/>).</summary>
    Task<ViewReadAnswer> GetProcessesOf(TaskOrder order);

    /// <summary>As <see cref="GetStorageOf"/>, the threads (a <see cref="ThreadList"/> as JSON) of the process the parameters name (<see cref="Tickets.ViewOrders.Threads"/>).</summary>
    Task<ViewReadAnswer> GetThreadsOf(TaskOrder order);

    /// <summary>
    /// A client result asked of a mid station's uplink only (README, "Layered stations"): serve a data-plane read of a unit
    /// below it (<see cref="DataServeRequest"/>). Null when the answer will come by PUT to
    /// <see cref="DataPlaneRoutes.AnswersPrefix"/>/{id}; otherwise why not, in words naming the station that refused.
    /// </summary>
    Task<string?> ServeData(DataServeRequest request);
}

public static class HubPaths
{
    public const string Agent = "/hubs/agent";

    /// <summary>Header carrying the unit's own credential (received at enrolment) on the hub connection.</summary>
    public const string AgentCredentialHeader = "X-Ccdsvm-Agent-Credential";

    /// <summary>Header carrying the unit name the credential belongs to.</summary>
    public const string AgentNameHeader = "X-Ccdsvm-Agent-Name";
}

/// <summary>What a unit answered to a view read: the kind's result as JSON, or why not (in words and as a kind).</summary>
[MessagePack.MessagePackObject]
public sealed record ViewReadAnswer(
    [property: MessagePack.Key(0)] string? ResultJson,
    [property: MessagePack.Key(1)] string? Error,
    [property: MessagePack.Key(2)] TaskErrorKind ErrorKind = TaskErrorKind.None);
