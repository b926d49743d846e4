using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Terminals;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Terminals;

/// <summary>
/// Station:Terminal:Record puts <c>record: true</c> in every terminal order the engine sends, under the signed ticket;
/// off (the default), the order is the user's; and a user may not send the field themselves.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TerminalRecordingPolicyTests : IDisposable
{
    private static readonly Caller Admin = new("admin", true);
    private readonly EngineHarness _h;

    public TerminalRecordingPolicyTests()
    {
        _h = new EngineHarness(preparer: h => new TerminalRecordingPolicy(Microsoft.Extensions.Options.Options.Create(h.Options)));
        _h.Online("a");
    }

    public void Dispose() => _h.Dispose();

    private static SubmitTask Terminal(object parameters) => new(TaskKinds.SystemTerminal, "a", Json(parameters));

    private SystemTerminalParameters SentFor(long taskId)
    {
        var (_, order) = Assert.Single(_h.Dispatcher.Orders, o => o.Order.TaskId == taskId);
        using var pinned = TicketSigning.ImportPublicKey(_h.Keys.PublicKey);
        var ticket = TicketSigning.Open(order.Ticket!, pinned);
        Assert.NotNull(ticket);
        Assert.Equal(TaskTicket.HashParameters(order.ParametersJson), ticket.ParametersSha256);
        return SystemTerminal.Contract.ReadOrder(order.ParametersJson);
    }

    [Fact]
    public async Task With_the_policy_on_the_order_says_record_under_the_ticket_and_off_it_does_not()
    {
        Assert.False(new StationOptions().Terminal.Record);
        var plain = await _h.SubmitOk(Terminal(new { idleTimeoutSeconds = 30 }), Admin);
        Assert.Null(SentFor(plain.Id).Record);

        _h.Options.Terminal.Record = true;
        var recorded = await _h.SubmitOk(Terminal(new { idleTimeoutSeconds = 30, cols = 100 }), Admin);
        var sent = SentFor(recorded.Id);
        Assert.Equal((true, 100, 30), (sent.Record, sent.Cols, sent.IdleTimeoutSeconds));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_user_cannot_set_the_record_field(bool record)
    {
        var refusal = await _h.SubmitRefused(Terminal(new { record }), Admin);
        Assert.Equal(StationErrorKind.BadRequest, refusal.Kind);
        Assert.Contains("unknown parameter 'record'", refusal.Message);
        Assert.Empty(_h.Dispatcher.Orders);
    }
}
