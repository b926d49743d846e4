using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class MoveTicketCheckTests : IDisposable
{
    private readonly ECDsa _station = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _pinned;
    private readonly string _root = Directory.CreateTempSubdirectory("ccdsvm-ticket-").FullName;
    private readonly string _state = Directory.CreateTempSubdirectory("ccdsvm-ticket-state-").FullName;
    private readonly TicketCheck _check;

    public MoveTicketCheckTests()
    {
        _pinned = TicketSigning.ImportPublicKey(TicketSigning.ExportPublicKey(_station));
        _check = new TicketCheck("a", token => TransferTicketSigning.Decode(token, _pinned), token => TransferTicketSigning.DecodeDeletion(token, _pinned),
            new UsedTickets(_state, TimeSpan.FromMinutes(5)), new PathGuard([_root]));
    }

    private string Ticket(string sourcePath, string sourceUnit = "a", bool delete = false, int minutes = 5, ECDsa? key = null) =>
        TransferTicketSigning.Encode(new TransferTicket(1, sourceUnit, sourcePath, "b", "/dst", -1, delete, DateTimeOffset.UtcNow.AddMinutes(minutes), TransferTicket.NewId()), key ?? _station);

    private TransferTicket Verify(string token) => _check.Verify(token, null, out _);

    [Fact]
    public void Read_UnderGrantedTree_Allowed()
    {
        var t = Verify(Ticket(Path.Combine(_root, "tree")));
        Assert.Equal(Path.Combine(_root, "tree", "x"), _check.ReadablePath(t, Path.Combine(_root, "tree", "x")));
    }

    [Theory]
    [InlineData("other-path", "grants")]
    [InlineData("dotdot", "grants")]
    [InlineData("other-unit", "not 'a'")]
    public void Read_OutsideTicket_Refused(string row, string message)
    {
        var ticket = row == "other-unit" ? Ticket(Path.Combine(_root, "f"), sourceUnit: "c") : Ticket(Path.Combine(_root, "f"));
        string asked = row == "dotdot" ? Path.Combine(_root, "f", "..", "g") : Path.Combine(_root, "g");
        var t = Verify(ticket);
        var ex = Assert.Throws<TicketRefusedException>(() => _check.ReadablePath(t, asked));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Forged_Expired_AndCopyTicketDelete_Refused()
    {
        Assert.Contains("not signed by the station", Assert.Throws<TicketRefusedException>(() => Verify(Ticket(_root, key: _other))).Message);
        var genuine = Ticket(_root);
        var tampered = genuine[..5] + (genuine[5] == 'A' ? 'B' : 'A') + genuine[6..];
        Assert.Contains("not signed by the station", Assert.Throws<TicketRefusedException>(() => Verify(tampered)).Message);
        Assert.Contains("expired", Assert.Throws<TicketRefusedException>(() => Verify(Ticket(_root, minutes: -11))).Message);
        var copy = Verify(Ticket(Path.Combine(_root, "f")));
        Assert.Contains("does not allow deleting", Assert.Throws<TicketRefusedException>(() => _check.DeletableSource(copy, Path.Combine(_root, "f"), null)).Message);
    }

    [Fact]
    public void Symlink_OutOfRoot_Refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "tree"));
        File.CreateSymbolicLink(Path.Combine(_root, "tree", "out"), "/etc");
        var t = Verify(Ticket(Path.Combine(_root, "tree")));
        Assert.Contains("outside this unit's roots", Assert.Throws<TicketRefusedException>(() => _check.ReadablePath(t, Path.Combine(_root, "tree", "out", "passwd"))).Message);
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_state, recursive: true);
        _station.Dispose();
        _other.Dispose();
        _pinned.Dispose();
    }
}
