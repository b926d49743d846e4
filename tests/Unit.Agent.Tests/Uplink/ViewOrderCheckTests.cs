using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests.Uplink;

/// <summary>
/// A mid station's uplink answering the views the station above asks of a unit below it (README, "Layered stations"):
/// storage, processes, threads and a metrics watch are asked for the user a ticket signed by the upper station names,
/// checked against the key the mid station pinned; an order without a ticket, signed by another key, expired, replayed,
/// signed for another view, or whose process was changed after signing is refused in words, and the mid station is
/// never asked.
/// </summary>
public sealed class ViewOrderCheckTests : IDisposable
{
    private readonly ECDsa _upper = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RecordingViews _views = new();
    private readonly RecordingMetrics _metrics = new();
    private readonly LoopMapper _loops;
    private readonly ViewReads _reads;

    public ViewOrderCheckTests()
    {
        var options = Options.Create(new AgentOptions { Name = "mid-1" });
        var credentials = new AgentCredentials(new Enrolled(new AgentIdentity("mid-1", "credential", TicketSigning.ExportPublicKey(_upper))));
        credentials.ObtainAsync(CancellationToken.None).GetAwaiter().GetResult();
        _loops = new LoopMapper(options, NullLogger<LoopMapper>.Instance);
        var guard = new OrderGuard(credentials, options, new PathGuard([]), new DevicePolicy(options, _loops), NullLogger<OrderGuard>.Instance, relay: new Below());
        _reads = new ViewReads(guard, [], NullLogger<ViewReads>.Instance, _views, _metrics);
    }

    public void Dispose()
    {
        _upper.Dispose();
        _forger.Dispose();
        _loops.Dispose();
    }

    private static TaskOrder Order(ECDsa key, string view, string unit = "u7", string user = "alice", string? parameters = null, TimeSpan? expiresIn = null, string? sentParameters = null)
    {
        string json = parameters ?? ViewOrders.ParametersJson();
        var now = DateTimeOffset.UtcNow;
        var ticket = new TaskTicket(user, [], 0, view, unit, ["/units/" + unit], now.AddSeconds(-1), now + (expiresIn ?? TimeSpan.FromMinutes(1)),
            Guid.NewGuid().ToString("N"), TaskTicket.HashParameters(json));
        return new TaskOrder(0, view, sentParameters ?? json, user, now, TicketSigning.Sign(ticket, key));
    }

    [Fact]
    public async Task ASignedOrder_IsAnsweredForTheUserItsTicketNames()
    {
        var storage = await _reads.StorageOfAsync(Order(_upper, ViewOrders.Storage)).WaitAsync(TimeSpan.FromSeconds(10));
        var processes = await _reads.ProcessesOfAsync(Order(_upper, ViewOrders.Processes, user: "bob")).WaitAsync(TimeSpan.FromSeconds(10));
        var threads = await _reads.ThreadsOfAsync(Order(_upper, ViewOrders.Threads, parameters: ViewOrders.ParametersJson(pid: 42))).WaitAsync(TimeSpan.FromSeconds(10));
        await _reads.WatchMetricsOfAsync(Order(_upper, ViewOrders.Metrics, user: "station", parameters: ViewOrders.ParametersJson(on: true))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All([storage, processes, threads], a => Assert.Null(a.Error));
        Assert.Equal(["storage u7 alice", "processes u7 bob", "threads u7 alice 42"], _views.Asked);
        Assert.Equal(["u7 on"], _metrics.Asked);
    }

    [Fact]
    public async Task AnOrderWithoutATicket_Forged_Expired_Replayed_ForAnotherView_OrAltered_IsRefused_AndNothingIsAsked()
    {
        var unsigned = Order(_upper, ViewOrders.Storage) with { Ticket = null };
        var forged = Order(_forger, ViewOrders.Storage);
        var expired = Order(_upper, ViewOrders.Processes, expiresIn: TimeSpan.FromMinutes(-10));
        var used = Order(_upper, ViewOrders.Storage);
        var storageTicket = Order(_upper, ViewOrders.Storage);
        var otherView = storageTicket with { Kind = ViewOrders.Processes };
        var altered = Order(_upper, ViewOrders.Threads, parameters: ViewOrders.ParametersJson(pid: 42), sentParameters: ViewOrders.ParametersJson(pid: 1));
        var notBelow = Order(_upper, ViewOrders.Storage, unit: "elsewhere");
        Assert.Null((await _reads.StorageOfAsync(used)).Error);
        _views.Asked.Clear();

        var answers = new Dictionary<string, ViewReadAnswer>
        {
            ["no ticket"] = await _reads.StorageOfAsync(unsigned),
            ["forged"] = await _reads.StorageOfAsync(forged),
            ["expired"] = await _reads.ProcessesOfAsync(expired),
            ["replayed"] = await _reads.StorageOfAsync(used),
            ["another view"] = await _reads.ProcessesOfAsync(otherView),
            ["storage ticket as processes order"] = await _reads.ProcessesOfAsync(storageTicket),
            ["altered"] = await _reads.ThreadsOfAsync(altered),
            ["not below"] = await _reads.StorageOfAsync(notBelow),
        };
        await _reads.WatchMetricsOfAsync(Order(_forger, ViewOrders.Metrics, parameters: ViewOrders.ParametersJson(on: true)));

        Assert.Empty(_views.Asked);
        Assert.Empty(_metrics.Asked);
        foreach (var (what, answer) in answers)
        {
            Assert.True(answer.ErrorKind == TaskErrorKind.Refused, $"{what}: {answer.ErrorKind} {answer.Error}");
            Assert.StartsWith("refused by the station below", answer.Error, StringComparison.Ordinal);
        }
        Assert.Contains("no ticket", answers["no ticket"].Error, StringComparison.Ordinal);
        Assert.Contains("signature", answers["forged"].Error, StringComparison.Ordinal);
        Assert.Contains("expired", answers["expired"].Error, StringComparison.Ordinal);
        Assert.Contains("already used", answers["replayed"].Error, StringComparison.Ordinal);
        Assert.Contains("parameters", answers["altered"].Error, StringComparison.Ordinal);
        Assert.Contains("elsewhere", answers["not below"].Error, StringComparison.Ordinal);
    }

    private sealed class Enrolled(AgentIdentity identity) : IAgentEnrolment
    {
        public bool StopHostWhenRefused => false;
        public Task<AgentIdentity> ObtainAsync(CancellationToken ct) => Task.FromResult(identity);
    }

    /// <summary>The mid station's relay: it reaches u7 only.</summary>
    private sealed class Below : IOrderRelay
    {
        public bool Reaches(string target) => target == "u7";
        public Task<object?> RunAsync(TaskOrder order, TaskTicket ticket, TaskContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class RecordingViews : IViewRelay
    {
        public List<string> Asked { get; } = [];
        public Task<ViewReadAnswer> ReadAsync(TaskOrder order, TaskTicket ticket, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ViewReadAnswer> StorageAsync(string unitId, string user, CancellationToken cancellationToken) => Answer($"storage {unitId} {user}");
        public Task<ViewReadAnswer> ProcessesAsync(string unitId, string user) => Answer($"processes {unitId} {user}");
        public Task<ViewReadAnswer> ThreadsAsync(string unitId, string user, int pid) => Answer($"threads {unitId} {user} {pid}");

        private Task<ViewReadAnswer> Answer(string asked)
        {
            lock (Asked) Asked.Add(asked);
            return Task.FromResult(new ViewReadAnswer("{}", null));
        }
    }

    private sealed class RecordingMetrics : IMetricsRelay
    {
        public List<string> Asked { get; } = [];
        public Task WatchAsync(string unitId, bool on)
        {
            lock (Asked) Asked.Add($"{unitId} {(on ? "on" : "off")}");
            return Task.CompletedTask;
        }
    }
}
