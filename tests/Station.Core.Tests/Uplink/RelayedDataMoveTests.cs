using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uplink;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>
/// A data.move relayed from the station above whose source lies beyond this mid station (README, "Layered stations"), on
/// a real engine, store and ticket signer: the transfer the station above added is not taken as the user's (it is kept
/// for reads going up), only the destination is locked and authorised here (the station above locked the source), and
/// the order to the unit carries this station's own ticket, with no source address (the unit asks for a direct pull, else relays). A local user (granted on the destination only) gets no such pass, and a
/// move across stations is refused in words.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class RelayedDataMoveTests : IDisposable
{
    private readonly EngineHarness _h;
    private readonly UpstreamTransfers _above = new();
    private readonly TaskRelay _relay;
    private TransferTickets _tickets = null!;

    private sealed class Above : IUpstreamData
    {
        public Uri? StationUrl { get; } = new("https://top.example:5080");

        public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("these tests read nothing through the station above");
    }

    public RelayedDataMoveTests()
    {
        var transfers = Options.Create(new TransferOptions());
        _h = new EngineHarness(preparer: h => _tickets = new TransferTickets(h.Units, h.Keys, new DataPlanePolicy(transfers), transfers, TimeProvider.System, new Above()));
        _h.Online("leaf");
        _relay = new TaskRelay(_h.Engine, _h.Notifier, _h.Access, _h.Units, new UpstreamOptions { Url = "https://top.example:5080", Name = "mid-1", Label = "top" }, _above);
        using (var c = _h.Db.Open()) AccessControl.Grant(c, null, "/units/leaf", "@" + AccessControl.UpstreamGroup, Roles.Operator.Name, "test", DateTimeOffset.UtcNow);
        using (var c = _h.Db.Open()) AccessControl.Grant(c, null, "/units/leaf", "walt", Roles.Operator.Name, "test", DateTimeOffset.UtcNow);
        _h.Access.Reload();
    }

    public void Dispose() => _h.Dispose();

    private static string Parameters(string mode = "copy", string? transfer = "ticket-of-the-station-above") =>
        DataMove.Contract.WriteJson(new DataMoveParameters(new DataLocation("far", "/srv/a.bin"), new DataLocation("leaf", "/srv/b.bin"),
            mode == "move" ? DataMoveMode.Move : DataMoveMode.Copy, Transfer: transfer is null ? null : new DataMoveTransfer(transfer, "https://far.example:7443", TransferRoute.Auto)));

    private async Task<(long Id, TaskOrder Order)> OrderedAsync()
    {
        using var limit = new CancellationTokenSource(EngineHarness.Limit);
        while (_h.Dispatcher.SentSoFar.Count == 0) await Task.Delay(20, limit.Token);
        var order = _h.Dispatcher.SentSoFar[0].Order;
        return (order.TaskId, order);
    }

    [Fact]
    public async Task ACopyFromASourceBeyondThisStation_LocksOnlyTheDestinationHere_AndTheUnitGetsThisStationsOwnRelayTicket()
    {
        var run = _relay.RunAsync(new RelayRequest(77, TaskKinds.DataMove, "leaf", Parameters(), "zed"), _ => { }, CancellationToken.None);
        var (id, order) = await OrderedAsync();

        var task = _h.Engine.View(id)!;
        Assert.Equal("zed@top", task.Owner);
        Assert.Equal(["/units/leaf/fs/srv/b.bin"], task.HeldLocks.Select(l => l.Resource));
        Assert.False(task.Parameters!.Value.TryGetProperty("transfer", out _), task.Parameters.Value.GetRawText());
        // Kept for the unit's reads of the source, which go up with it.
        Assert.Equal("ticket-of-the-station-above", _above.TicketOf(id));

        var sent = DataMove.Contract.ReadOrder(order.ParametersJson).Transfer!;
        // No address: the unit asks the source's station through the relay for a direct pull (route auto), else relays.
        Assert.Equal((TransferRoute.Auto, (string?)null), (sent.Route, sent.SourceUrl));
        var ticket = _tickets.Read(sent.Ticket)!;
        Assert.Equal((id, "far", "/srv/a.bin", "leaf", "/srv/b.bin", false), (ticket.TaskId, ticket.SourceUnit, ticket.SourcePath, ticket.DestinationUnit, ticket.DestinationPath, ticket.AllowDelete));

        // Once the task ends here, the ticket from above is forgotten.
        await _h.Engine.OnResultAsync("leaf", new TaskResult(id, TaskOutcome.Failed, null, "the source's data plane answered 502", DateTimeOffset.UtcNow)).WaitAsync(EngineHarness.Limit);
        Assert.Equal(TaskState.Failed, (await run.WaitAsync(EngineHarness.Limit)).State);
        Assert.Null(_above.TicketOf(id));
    }

    [Fact]
    public async Task ALocalUser_GetsNoPassOnASourceThisStationDoesNotKnow()
    {
        var submitted = await _h.Engine.SubmitAsync(new SubmitTask(TaskKinds.DataMove, "leaf", JsonDocument.Parse(Parameters(transfer: null)).RootElement), new Caller("walt", false));

        Assert.False(submitted.Ok);
        Assert.Contains("/units/far/fs/srv/a.bin", submitted.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(_h.Dispatcher.SentSoFar);
    }

    [Fact]
    public async Task AMoveFromBeyondThisStation_IsRefusedInWords_BeforeTheUnitIsAsked()
    {
        var end = await _relay.RunAsync(new RelayRequest(78, TaskKinds.DataMove, "leaf", Parameters("move"), "zed"), _ => { }, CancellationToken.None).WaitAsync(EngineHarness.Limit);

        Assert.Equal(TaskState.Failed, end.State);
        Assert.Contains("only copies cross stations", end.Error, StringComparison.Ordinal);
        Assert.Empty(_h.Dispatcher.SentSoFar);
    }
}
