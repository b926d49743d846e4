using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// The hub agents connect to. Authentication (the unit's credential) happens before the connection exists;
/// each method only passes what the agent says to the engine, under the unit identity of the connection.
/// </summary>
[Authorize(AuthenticationSchemes = AgentKeyAuthentication.SchemeName)]
public sealed class AgentHub(UnitRegistry units, UnitStorage unitStorage, TaskEngine engine, MetricsIngest metrics, AgentConnections connections, UnitCredentials credentials,
    Transfers.SourceDeletions deletions, Transfers.DataPlanePolicy dataPlanes, Security.Tls.UnitCertificateIssuer certificates, Terminals.TerminalRelay terminals, TimeProvider time)
    : Hub<IAgentClient>, IAgentHub, IAgentTerminalHub
{
    public override async Task OnConnectedAsync()
    {
        connections.Add(UnitId, Context);
        dataPlanes.Connected(UnitId, Context.GetHttpContext()?.Connection.RemoteIpAddress);
        units.RecordConnectedFrom(UnitId, Context.GetHttpContext()?.Connection.RemoteIpAddress);
        await credentials.RecordConnectedAsync(UnitId, Context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString());
        await base.OnConnectedAsync();
    }

    private string UnitId => Context.User?.FindFirst(AgentKeyAuthentication.UnitClaim)?.Value
        ?? throw new HubException("the connection has no unit identity");

    public async Task Announce(UnitInventory inventory, IReadOnlyList<RunningTaskInfo> running)
    {
        if (inventory.Id != UnitId)
            throw new HubException($"this connection belongs to unit '{UnitId}' and cannot announce '{inventory.Id}'");
        await units.OnlineAsync(Context.ConnectionId, inventory, time.GetUtcNow());
        await engine.OnAnnounceAsync(UnitId, running);
        AdmissionLimits.HandshakeDone(Context.GetHttpContext());
    }

    public async Task AnnounceSubtree(SubtreeUpdate update)
    {
        if (update.Units.Count > SubtreeUpdate.MaxUnits || update.Removed.Count > SubtreeUpdate.MaxUnits)
            throw new HubException($"a subtree update carries at most {SubtreeUpdate.MaxUnits} units and {SubtreeUpdate.MaxUnits} removals; send more updates");
        string? problem = null;
        if (await units.ApplySubtreeAsync(UnitId, update, time.GetUtcNow(), p => problem = p) is null) throw new HubException(problem);
    }

    public Task<string> AuthoriseSourceDeletion(SourceDeletionRequest request)
    {
        var signed = deletions.Authorise(UnitId, request);
        return signed.Ok ? Task.FromResult(signed.Value!) : throw new HubException(signed.Error!.Message);
    }

    public Task<string> RequestCertificate(string certificateRequestPem)
    {
        var issued = certificates.Issue(UnitId, certificateRequestPem);
        return issued.Ok ? Task.FromResult(issued.Value!) : throw new HubException(issued.Error!.Message);
    }

    public Task ReportStarted(TaskStarted started)
    {
        engine.OnStarted(UnitId, started);
        return Task.CompletedTask;
    }

    public Task ReportProgress(TaskProgress progress)
    {
        engine.OnProgress(UnitId, progress);
        return Task.CompletedTask;
    }

    public Task ReportStageDone(TaskStageDone stageDone) => engine.OnStageDoneAsync(UnitId, stageDone);

    public Task ReportResult(TaskResult result) => engine.OnResultAsync(UnitId, result);

    public Task ReportSample(MetricsSample sample)
    {
        metrics.OnSample(UnitId, sample);
        return Task.CompletedTask;
    }

    public Task ReportSummary(MetricsSummary summary)
    {
        metrics.OnSummary(UnitId, summary);
        return Task.CompletedTask;
    }

    public Task ReportSampleOf(string unitId, MetricsSample sample)
    {
        DemandBelow(unitId);
        metrics.OnSample(unitId, sample ?? throw new HubException("the sample is missing"));
        return Task.CompletedTask;
    }

    public Task ReportSummaryOf(string unitId, MetricsSummary summary)
    {
        DemandBelow(unitId);
        metrics.OnSummary(unitId, summary ?? throw new HubException("the summary is missing"));
        return Task.CompletedTask;
    }

    /// <summary>Only a mid station reports figures of another unit, and only of one reached through it (README, "Layered stations").</summary>
    private void DemandBelow(string unitId)
    {
        if (string.IsNullOrEmpty(unitId) || unitId == UnitId || units.RouteOf(unitId) != UnitId)
            throw new HubException($"this connection belongs to unit '{UnitId}', and no unit '{unitId}' is reached through it, so it cannot report its figures");
    }

    public Task ReportStorage(StorageInventoryResult storage)
    {
        unitStorage.Update(UnitId, storage);
        return Task.CompletedTask;
    }

    public Task AcknowledgeOrder(OrderReceipt receipt)
    {
        engine.OnOrderReceived(UnitId, receipt);
        return Task.CompletedTask;
    }

    public System.Threading.Channels.ChannelReader<byte[]> TerminalInput(long taskId, CancellationToken cancellationToken)
    {
        var input = terminals.UnitInput(UnitId, taskId, Context.ConnectionId);
        return input.Ok ? input.Value! : throw new HubException(input.Error!.Message);
    }

    public Task TerminalOutput(long taskId, System.Threading.Channels.ChannelReader<byte[]> output) =>
        terminals.UnitOutputAsync(UnitId, taskId, output, Context.ConnectionAborted, Context.ConnectionId);

    public Task<LeaseGrant> RenewLease(LeaseRequest request) => Task.FromResult(engine.OnLeaseRenewed(UnitId, request));

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context);
        var unit = await units.OfflineAsync(Context.ConnectionId, time.GetUtcNow());
        if (unit is not null) engine.OnUnitLost(unit);
        await base.OnDisconnectedAsync(exception);
    }
}
