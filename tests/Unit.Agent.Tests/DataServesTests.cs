using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// A read of a unit below a mid station, as the uplink agent checks it before the mid station sees it (README, "Layered
/// stations"): only a ticket the pinned station above signed, for the unit named, unexpired unless the transfer is
/// under way, passes on; a plain unit has no units below and refuses. Every refusal says why and passes nothing on.
/// </summary>
public sealed class DataServesTests : IDisposable
{
    private readonly ECDsa _above = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Clock _time = new();
    private readonly List<(DataServeRequest Request, TransferTicket Ticket)> _served = [];

    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class Enrolled(AgentIdentity identity) : IAgentEnrolment
    {
        public bool StopHostWhenRefused => false;
        public Task<AgentIdentity> ObtainAsync(CancellationToken ct) => Task.FromResult(identity);
    }

    private sealed class Recording(List<(DataServeRequest, TransferTicket)> served) : IDataServeRelay
    {
        public string? Serve(DataServeRequest request, TransferTicket ticket)
        {
            served.Add((request, ticket));
            return null;
        }
    }

    public void Dispose()
    {
        _above.Dispose();
        _forger.Dispose();
    }

    private async Task<DataServes> UplinkAsync(bool station = true)
    {
        var credentials = new AgentCredentials(new Enrolled(new AgentIdentity("mid-2", "credential", TicketSigning.ExportPublicKey(_above))));
        await credentials.ObtainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return new DataServes(credentials, station ? new Recording(_served) : null, _time);
    }

    private string Ticket(ECDsa key, string unit = "u7", TimeSpan? life = null) =>
        TransferTicketSigning.Encode(new TransferTicket(12, unit, "/srv/a.bin", "u3", "/srv/b.bin", -1, false, _time.GetUtcNow() + (life ?? TimeSpan.FromMinutes(10)), TransferTicket.NewId(), "admin@top"), key);

    private static DataServeRequest Request(string ticket, string unit = "u7", string? session = null, string route = "/data/v1/stat?path=%2Fsrv%2Fa.bin") =>
        new("answer-1", unit, route, ticket, null, session);

    [Fact]
    public async Task ATicketOfTheStationAbove_ForTheUnitNamed_PassesOnToTheMidStation()
    {
        var serves = await UplinkAsync();

        Assert.Null(serves.Serve(Request(Ticket(_above))));

        var (request, ticket) = Assert.Single(_served);
        Assert.Equal(("u7", "/srv/a.bin", "admin@top", "answer-1"), (ticket.SourceUnit, ticket.SourcePath, ticket.User, request.Id));
    }

    [Fact]
    public async Task AForgedTicket_AnotherUnit_OrAnExpiredTicketOutsideASession_IsRefusedInWords()
    {
        var serves = await UplinkAsync();

        Assert.Contains("not signed by the station this station enrolled with", serves.Serve(Request(Ticket(_forger))));
        Assert.Contains("reads unit 'u7', not 'u9'", serves.Serve(Request(Ticket(_above), unit: "u9")));
        string expired = Ticket(_above, life: TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.StartsWith(UnitRefusal.Prefix, serves.Serve(Request(expired)));
        Assert.Empty(_served);

        // A transfer under way (it carries its session) goes on past the ticket's expiry; the unit checks the session.
        Assert.Null(serves.Serve(Request(expired, session: "session-secret")));
        Assert.Single(_served);
    }

    [Fact]
    public async Task APlainUnit_HasNoUnitsBelow_AndRefuses()
    {
        var serves = await UplinkAsync(station: false);

        Assert.Contains("it is no station", serves.Serve(Request(Ticket(_above))));
        Assert.Empty(_served);
    }
}
