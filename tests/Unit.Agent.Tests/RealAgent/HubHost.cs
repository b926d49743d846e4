using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// A real SignalR hub (MessagePack, as the station's) and the enrolment redeem route on a free loopback port,
/// in the test process, so a real agent process can enrol and connect while the test sends it orders it
/// crafted itself (forged, expired, replayed…) through <see cref="IHubContext{THub,T}"/>. It holds a station
/// key pair of its own and hands out one token and one credential.
/// </summary>
public sealed class HubHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubHost(WebApplication app, HubState state)
    {
        _app = app;
        State = state;
    }

    public HubState State { get; }

    public Uri Url { get; private set; } = null!;

    public ECDsa StationKey => State.StationKey;

    public static async Task<HubHost> StartAsync(string unit)
    {
        var state = new HubState(unit);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(state);
        builder.Services.AddSignalR().AddMessagePackProtocol();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();

        // The station's handshake in small: the unit's name and its credential, or 401.
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(HubPaths.Agent)
                && (context.Request.Headers[HubPaths.AgentNameHeader] != state.Unit || context.Request.Headers[HubPaths.AgentCredentialHeader] != state.Credential))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            await next(context);
        });
        app.MapPost(EnrolmentRoutes.Redeem, (RedeemEnrolment request) =>
        {
            if (request.Token != state.Token || request.Unit != state.Unit || Interlocked.Exchange(ref state.Redeemed, 1) == 1)
                return Results.Problem(detail: "the enrolment token is not known", statusCode: StatusCodes.Status401Unauthorized);
            return Results.Ok(new EnrolmentGrant(state.Unit, state.Credential, TicketSigning.ExportPublicKey(state.StationKey)));
        });
        app.MapHub<TestAgentHub>(HubPaths.Agent);

        var host = new HubHost(app, state);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.Url = new Uri(address);
        return host;
    }

    public IAgentClient Agent => _app.Services.GetRequiredService<IHubContext<TestAgentHub, IAgentClient>>().Clients.Client(
        State.ConnectionId ?? throw new InvalidOperationException("the agent is not connected"));

    /// <summary>Sends the order and waits for the unit's next result for that task id.</summary>
    public async Task<TaskResult> RunAsync(TaskOrder order, TimeSpan timeout)
    {
        await Agent.RunTask(order).WaitAsync(timeout);
        using var cts = new CancellationTokenSource(timeout);
        return await State.Results(order.TaskId).Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
        State.StationKey.Dispose();
    }
}

/// <summary>What the hub has seen of the agent.</summary>
public sealed class HubState(string unit)
{
    private readonly ConcurrentDictionary<long, Channel<TaskResult>> _results = new();

    public string Unit { get; } = unit;
    public string Token { get; } = "token-" + Guid.NewGuid().ToString("N");
    public string Credential { get; } = "credential-" + Guid.NewGuid().ToString("N");
    public ECDsa StationKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public int Redeemed;
    public volatile string? ConnectionId;
    public TaskCompletionSource<UnitInventory> Announced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many times the agent announced itself (once per connection).</summary>
    public int AnnounceCount;

    /// <summary>Every announce, one per connection.</summary>
    public Channel<UnitInventory> Announces { get; } = Channel.CreateUnbounded<UnitInventory>();

    /// <summary>The results the unit reported for a task id, in order (a replayed order reports twice).</summary>
    public Channel<TaskResult> Results(long taskId) => _results.GetOrAdd(taskId, _ => Channel.CreateUnbounded<TaskResult>());

    public void Report(TaskResult result) => Results(result.TaskId).Writer.TryWrite(result);

    private readonly ConcurrentDictionary<long, Channel<OrderReceipt>> _receipts = new();

    /// <summary>The storage readings the unit sent (on connect and after storage tasks), in order.</summary>
    public Channel<Ccdsvm.Shared.Contracts.Kinds.StorageInventoryResult> StorageReports { get; } = Channel.CreateUnbounded<Ccdsvm.Shared.Contracts.Kinds.StorageInventoryResult>();

    /// <summary>The receipts the unit sent for a task id, in order.</summary>
    public Channel<OrderReceipt> Receipts(long taskId) => _receipts.GetOrAdd(taskId, _ => Channel.CreateUnbounded<OrderReceipt>());

    /// <summary>Lease renewals are answered while this is completed; replace it with a pending one to freeze them.</summary>
    public volatile TaskCompletionSource LeasesAnswered = Completed();

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}

public sealed class TestAgentHub(HubState state) : Hub<IAgentClient>, IAgentHub
{
    public Task ReportStorage(Ccdsvm.Shared.Contracts.Kinds.StorageInventoryResult storage)
    {
        state.StorageReports.Writer.TryWrite(storage);
        return Task.CompletedTask;
    }

    public Task Announce(UnitInventory inventory, IReadOnlyList<RunningTaskInfo> running)
    {
        state.ConnectionId = Context.ConnectionId;
        Interlocked.Increment(ref state.AnnounceCount);
        state.Announced.TrySetResult(inventory);
        state.Announces.Writer.TryWrite(inventory);
        return Task.CompletedTask;
    }

    public Task ReportStarted(TaskStarted started) => Task.CompletedTask;

    public Task ReportProgress(TaskProgress progress) => Task.CompletedTask;

    public Task ReportStageDone(TaskStageDone stageDone) => Task.CompletedTask;

    public Task ReportResult(TaskResult result)
    {
        state.Report(result);
        return Task.CompletedTask;
    }

    public Task ReportSample(MetricsSample sample) => Task.CompletedTask;

    public Task ReportSummary(MetricsSummary summary) => Task.CompletedTask;

    public Task ReportSampleOf(string unitId, MetricsSample sample) => Task.CompletedTask;

    public Task ReportSummaryOf(string unitId, MetricsSummary summary) => Task.CompletedTask;

    public Task AcknowledgeOrder(OrderReceipt receipt)
    {
        state.Receipts(receipt.TaskId).Writer.TryWrite(receipt);
        return Task.CompletedTask;
    }

    /// <summary>Grants what the agent asks, unless the test froze the "station": then the call waits, as on a stopped station.</summary>
    public async Task<LeaseGrant> RenewLease(LeaseRequest request)
    {
        await state.LeasesAnswered.Task;
        // As the station with its defaults: what the unit asks for, the longest (55 s) when it leaves it to the station.
        return new LeaseGrant(request.LeaseSeconds > 0 ? request.LeaseSeconds : 55, DateTimeOffset.UtcNow);
    }

    public Task<string> AuthoriseSourceDeletion(SourceDeletionRequest request) =>
        throw new HubException("this test hub authorises no deletion");

    public Task<string> RequestCertificate(string certificateRequestPem) =>
        throw new HubException("this test hub issues no certificates");

    public Task AnnounceSubtree(SubtreeUpdate update) =>
        throw new HubException("this test hub takes no units below a station");
}
