using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class TicketVerifierTests : IDisposable
{
    private readonly ECDsa _station = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _pinned;
    private readonly TicketVerifier _verifier;

    public TicketVerifierTests()
    {
        _pinned = TicketSigning.ImportPublicKey(TicketSigning.ExportPublicKey(_station));
        _verifier = new TicketVerifier(_pinned, "unit-a", ["storage.mkfs"]);
    }

    private static TaskTicket Ticket(string target = "unit-a", long taskId = 7, string kind = "fs.list", TimeSpan? expiresIn = null, string? nonce = null) =>
        new("alice", ["ops"], taskId, kind, target, ["/units/unit-a/fs/srv"], DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow + (expiresIn ?? TimeSpan.FromMinutes(5)), nonce ?? Guid.NewGuid().ToString("N"));

    [Fact]
    public void ValidTicket_IsAccepted() =>
        Assert.Null(_verifier.Refusal(TicketSigning.Sign(Ticket(), _station), 7, "fs.list"));

    [Fact]
    public void BatchSignedTickets_AreEachAccepted_ForTheirOwnTask()
    {
        var signed = TicketSigning.SignBatch([Ticket(taskId: 7), Ticket(taskId: 8), Ticket(taskId: 9)], _station);

        Assert.Single(signed.Select(t => Convert.ToBase64String(t.Signature)).Distinct());
        Assert.Null(_verifier.Refusal(signed[0], 7, "fs.list"));
        Assert.Null(_verifier.Refusal(signed[1], 8, "fs.list"));
        Assert.Contains("another task or kind", _verifier.Refusal(signed[2], 7, "fs.list"));
    }

    [Fact]
    public void TicketNotOnTheBatchManifest_IsRefused()
    {
        var signed = TicketSigning.SignBatch([Ticket(taskId: 7), Ticket(taskId: 8)], _station);
        var outsider = TicketSigning.Sign(Ticket(taskId: 10), _station).Payload;

        Assert.Contains("signature is not the station's", _verifier.Refusal(signed[0] with { Payload = outsider }, 10, "fs.list"));
    }

    [Fact]
    public void TamperedBatchManifest_IsRefused()
    {
        var signed = TicketSigning.SignBatch([Ticket(taskId: 7), Ticket(taskId: 8)], _station);
        var manifest = (byte[])signed[0].Batch!.Clone();
        manifest[^1] ^= 0x01;

        Assert.Contains("signature is not the station's", _verifier.Refusal(signed[1] with { Batch = manifest }, 8, "fs.list"));
    }

    [Fact]
    public void SignedManifest_PresentedAsATicket_IsRefused()
    {
        var signed = TicketSigning.SignBatch([Ticket(taskId: 7), Ticket(taskId: 8)], _station);

        // The signature is genuine over these bytes, but a manifest is not a ticket.
        Assert.Contains("signature is not the station's", _verifier.Refusal(new SignedTicket(signed[0].Batch!, signed[0].Signature), 7, "fs.list"));
    }

    [Fact]
    public void BatchSignedByAnotherKey_IsRefused()
    {
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = TicketSigning.SignBatch([Ticket(taskId: 7), Ticket(taskId: 8)], forger);

        Assert.Contains("signature is not the station's", _verifier.Refusal(signed[0], 7, "fs.list"));
    }

    [Fact]
    public void ForgedSignature_IsRefused()
    {
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var refusal = _verifier.Refusal(TicketSigning.Sign(Ticket(), forger), 7, "fs.list");
        Assert.Contains("signature is not the station's", refusal);
    }

    [Fact]
    public void TamperedPayload_IsRefused()
    {
        var signed = TicketSigning.Sign(Ticket(), _station);
        var payload = (byte[])signed.Payload.Clone();
        payload[^3] ^= 0x5a;
        Assert.Contains("signature is not the station's", _verifier.Refusal(signed with { Payload = payload }, 7, "fs.list"));
    }

    [Fact]
    public void TicketForAnotherUnit_IsRefused() =>
        Assert.Contains("is for unit 'unit-b'", _verifier.Refusal(TicketSigning.Sign(Ticket(target: "unit-b"), _station), 7, "fs.list"));

    [Fact]
    public void TicketForAnotherTask_IsRefused() =>
        Assert.Contains("another task or kind", _verifier.Refusal(TicketSigning.Sign(Ticket(taskId: 8), _station), 7, "fs.list"));

    [Fact]
    public void ExpiredTicket_IsRefused() =>
        Assert.Contains("expired", _verifier.Refusal(TicketSigning.Sign(Ticket(expiresIn: TimeSpan.FromMinutes(-11)), _station), 7, "fs.list"));

    // The station issues tickets for 5 minutes (Station:TicketLifetimeSeconds = 300); the unit's clock is off by the given minutes.
    [Theory]
    [InlineData(5)]
    [InlineData(-5)]
    [InlineData(9)]
    [InlineData(-9)]
    public void Ticket_StillVerifies_WithinTheClockTolerance(int unitClockOffMinutes)
    {
        var issued = DateTimeOffset.UtcNow;
        var unitClock = new FixedClock(issued.AddMinutes(unitClockOffMinutes).AddSeconds(1));
        var verifier = new TicketVerifier(_pinned, "unit-a", [], unitClock);
        var ticket = Ticket() with { IssuedAt = issued, ExpiresAt = issued.AddMinutes(5) };

        Assert.Null(verifier.Refusal(TicketSigning.Sign(ticket, _station), 7, "fs.list"));
    }

    [Fact]
    public void UnitClockBehindBeyondTheTolerance_IsRefused_NamingTheSkew()
    {
        var issued = DateTimeOffset.UtcNow;
        var verifier = new TicketVerifier(_pinned, "unit-a", [], new FixedClock(issued.AddMinutes(-12)));

        var refusal = verifier.Refusal(TicketSigning.Sign(Ticket() with { IssuedAt = issued, ExpiresAt = issued.AddMinutes(5) }, _station), 7, "fs.list");

        Assert.Equal("refused by the unit: the ticket was issued 12 min ahead of this unit's clock (clocks may differ by up to 10 min): " +
            "this unit's clock is behind the station's by at least that much; check NTP on both", refusal);
    }

    [Fact]
    public void UnitClockAheadBeyondTheTolerance_IsRefused_NamingHowFarPastTheExpiry()
    {
        var issued = DateTimeOffset.UtcNow;
        var verifier = new TicketVerifier(_pinned, "unit-a", [], new FixedClock(issued.AddMinutes(16)));

        var refusal = verifier.Refusal(TicketSigning.Sign(Ticket() with { IssuedAt = issued, ExpiresAt = issued.AddMinutes(5) }, _station), 7, "fs.list");

        Assert.StartsWith($"refused by the unit: the ticket expired at {issued.AddMinutes(5):HH:mm:ss} UTC, 11 min ago by this unit's clock", refusal);
        Assert.Contains("this unit's clock is ahead of the station's", refusal);
    }

    [Fact]
    public void NonceOfAnExpiredTicket_IsRemembered_AsLongAsTheToleranceKeepsTheTicketValid()
    {
        var issued = DateTimeOffset.UtcNow;
        var clock = new FixedClock(issued);
        var verifier = new TicketVerifier(_pinned, "unit-a", [], clock);
        var signed = TicketSigning.Sign(Ticket(nonce: "n-late") with { IssuedAt = issued, ExpiresAt = issued.AddMinutes(5) }, _station);
        Assert.Null(verifier.Refusal(signed, 7, "fs.list"));

        // Past the ticket's own expiry but inside the tolerance: the ticket would still verify, so its nonce must still be known.
        clock.Now = issued.AddMinutes(14);
        Assert.Null(verifier.Refusal(TicketSigning.Sign(Ticket(nonce: "n-other"), _station), 7, "fs.list"));
        Assert.Contains("already used", verifier.Refusal(signed, 7, "fs.list"));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ReplayedTicket_IsRefusedTheSecondTime()
    {
        var signed = TicketSigning.Sign(Ticket(nonce: "n-1"), _station);
        Assert.Null(_verifier.Refusal(signed, 7, "fs.list"));
        Assert.Contains("already used", _verifier.Refusal(signed, 7, "fs.list"));
    }

    [Fact]
    public void KindDeniedByLocalPolicy_IsRefused() =>
        Assert.Contains("Agent:DenyKinds", _verifier.Refusal(TicketSigning.Sign(Ticket(kind: "storage.mkfs"), _station), 7, "storage.mkfs"));

    [Fact]
    public void MissingTicket_IsRefused() =>
        Assert.Contains("no ticket", _verifier.Refusal(null, 7, "fs.list"));

    public void Dispose()
    {
        _station.Dispose();
        _pinned.Dispose();
    }
}
