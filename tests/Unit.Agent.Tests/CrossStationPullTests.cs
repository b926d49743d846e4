using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts.Tls;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// A direct pull across stations (README, "Layered stations") on a real data plane over mutual TLS: unit <c>src</c> holds a
/// certificate of station A's CA, unit <c>dst</c> one of station B's. dst pulls src's file byte for byte with a ticket A
/// signed that names B's CA, checking src's certificate against A's CA from the offer. src refuses a ticket naming no CA of
/// another station, a ticket for another destination unit or path, a ticket altered after A signed it, and a certificate
/// of a CA other than the one named; dst refuses src's certificate when the offer's CA is not the one that issued it.
/// </summary>
public sealed class CrossStationPullTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ccdsvm-cross-pull-");
    private readonly ECDsa _stationA = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly (X509Certificate2 Cert, ECDsa Key) _caA = Ca("station A"), _caB = Ca("station B"), _caC = Ca("someone else");
    private readonly byte[] _content = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 11);
    private readonly List<IDisposable> _owned = [];
    private DataPlaneServer? _server;
    private string _url = "";

    private string Root => Path.Combine(_dir.FullName, "root");
    private string File1 => Path.Combine(Root, "a.bin");

    private sealed class Enrolled(AgentIdentity identity) : IAgentEnrolment
    {
        public bool StopHostWhenRefused => false;
        public Task<AgentIdentity> ObtainAsync(CancellationToken ct) => Task.FromResult(identity);
    }

    private static (X509Certificate2, ECDsa) Ca(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)), key);
    }

    /// <summary>A unit's state directory with its certificate from <paramref name="ca"/> (as the agent keeps it), read by a <see cref="UnitCertificate"/>.</summary>
    private UnitCertificate Certificate(string unit, (X509Certificate2 Cert, ECDsa Key) ca)
    {
        string state = Path.Combine(_dir.FullName, "state-" + unit + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(state);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={unit}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(UnitCertificates.DnsName(unit));
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var made = request.Create(ca.Cert.SubjectName, X509SignatureGenerator.CreateForECDsa(ca.Key), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(Path.Combine(state, UnitCertificate.CertificateFile), made.ExportCertificatePem() + "\n" + ca.Cert.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(state, UnitCertificate.KeyFile), key.ExportPkcs8PrivateKeyPem());
        var holder = new UnitCertificate(Options.Create(new AgentOptions { Name = unit, StateDirectory = state, DataUrl = "https://127.0.0.1:0" }), NullLogger<UnitCertificate>.Instance);
        _owned.Add(holder);
        return holder;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        await File.WriteAllBytesAsync(File1, _content);
        string state = Path.Combine(_dir.FullName, "src-data");
        Directory.CreateDirectory(state);
        var options = Options.Create(new AgentOptions { Name = "src", StateDirectory = state, DataUrl = "https://127.0.0.1:0" });
        var credentials = new AgentCredentials(new Enrolled(new AgentIdentity("src", "credential", TicketSigning.ExportPublicKey(_stationA))));
        await credentials.ObtainAsync(CancellationToken.None).WaitAsync(Limit);
        var guard = new PathGuard([Root]);
        var certificate = Certificate("src", _caA);
        var address = new DataPlaneAddress();
        _server = new DataPlaneServer(options, address,
            new DataPlaneHandlers(options, guard, new SourceFiles(), credentials, new UsedTickets(state, TimeSpan.FromMinutes(5)), certificate, NullLogger<DataPlaneHandlers>.Instance),
            new ServiceHandlers(options, guard, credentials), certificate, NullLogger<DataPlaneServer>.Instance);
        await _server.StartAsync(CancellationToken.None).WaitAsync(Limit);
        _url = address.Url!.Replace("://" + Dns.GetHostName(), "://127.0.0.1", StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None).WaitAsync(Limit);
            await _server.DisposeAsync();
        }
        foreach (var owned in _owned) owned.Dispose();
        _stationA.Dispose();
        foreach (var (cert, key) in new[] { _caA, _caB, _caC })
        {
            cert.Dispose();
            key.Dispose();
        }
        _dir.Delete(recursive: true);
    }

    private string Ticket(string? peerCa, string destination = "dst", string path = "") =>
        TransferTicketSigning.Encode(new TransferTicket(9, "src", path.Length > 0 ? path : File1, destination, "/srv/copy.bin", -1, false,
            DateTimeOffset.UtcNow.AddMinutes(5), TransferTicket.NewId(), null, peerCa), _stationA);

    private static string CaOf((X509Certificate2 Cert, ECDsa Key) ca) => DirectSource.EncodeCa(ca.Cert.RawData);

    /// <summary>dst's pool for src, holding a certificate of <paramref name="own"/> and trusting <paramref name="trusted"/> for src.</summary>
    private DataPlaneClients Destination((X509Certificate2 Cert, ECDsa Key) own, string unit = "dst")
    {
        var clients = new DataPlaneClients(Certificate(unit, own), NullLogger<DataPlaneClients>.Instance);
        _owned.Add(clients);
        return clients;
    }

    private SourceClient Pull(DataPlaneClients clients, string ticket, (X509Certificate2 Cert, ECDsa Key) trusted) =>
        new(clients.ForOtherStation("src", trusted.Cert.ExportCertificatePem()), _url, ticket, relayed: false);

    [Fact]
    public async Task AUnitOfAnotherStation_PullsTheFileByteForByte_WithATicketNamingItsStationsCa()
    {
        var source = Pull(Destination(_caB), Ticket(CaOf(_caB)), _caA);
        using var limit = new CancellationTokenSource(Limit);

        var entry = await source.StatAsync(File1, limit.Token);
        Assert.Equal(_content.Length, entry.Size);
        using var response = await source.OpenAsync(File1, 0, limit.Token);
        byte[] got = await response.Content.ReadAsByteArrayAsync(limit.Token);
        Assert.Equal(SHA256.HashData(_content), SHA256.HashData(got));
        var hash = await source.HashAsync(File1, limit.Token);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_content)), hash.Sha256);
    }

    [Fact]
    public async Task WithoutTheCaInTheTicket_ForAnotherUnitOrPath_OrATicketAlteredAfterSigning_TheSourceRefusesInWords()
    {
        var clients = Destination(_caB);
        using var limit = new CancellationTokenSource(Limit);

        var noCa = await Assert.ThrowsAsync<TaskFailureException>(() => Pull(clients, Ticket(null), _caA).StatAsync(File1, limit.Token));
        Assert.Contains("serves only units enrolled with this unit's station", noCa.Message);

        var otherUnit = await Assert.ThrowsAsync<TaskFailureException>(() => Pull(clients, Ticket(CaOf(_caB), destination: "u9"), _caA).StatAsync(File1, limit.Token));
        Assert.Contains("not unit 'u9'", otherUnit.Message);

        string other = Path.Combine(Root, "other.bin");
        await File.WriteAllBytesAsync(other, [1, 2, 3], limit.Token);
        var otherPath = await Assert.ThrowsAsync<TaskFailureException>(() => Pull(clients, Ticket(CaOf(_caB)), _caA).StatAsync(other, limit.Token));
        Assert.Contains("grants", otherPath.Message);

        // The CA named swapped for another after station A signed: no longer A's ticket.
        string signed = Ticket(CaOf(_caB));
        int dot = signed.LastIndexOf('.');
        string body = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(signed[..dot])))
            .Replace(CaOf(_caB), CaOf(_caC), StringComparison.Ordinal);
        string altered = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(body)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + signed[dot..];
        var tampered = await Assert.ThrowsAsync<TaskFailureException>(() => Pull(Destination(_caC), altered, _caA).StatAsync(File1, limit.Token));
        Assert.Contains("serves only units enrolled with this unit's station", tampered.Message);
    }

    [Fact]
    public async Task ACertificateOfAnotherCaThanTheOneNamed_IsRefused_AndTheDestinationRefusesASourceItsOfferedCaDidNotIssue()
    {
        using var limit = new CancellationTokenSource(Limit);
        // dst holds a certificate from C, but A's ticket names B.
        var impostor = await Assert.ThrowsAsync<TaskFailureException>(() => Pull(Destination(_caC), Ticket(CaOf(_caB)), _caA).StatAsync(File1, limit.Token));
        Assert.Contains("for unit 'dst' of the station whose CA it names", impostor.Message);

        // The offer's CA is C's, not A's: src's certificate is not accepted, so nothing is read (the executor then relays).
        await Assert.ThrowsAsync<HttpRequestException>(() => Pull(Destination(_caB), Ticket(CaOf(_caB)), _caC).StatAsync(File1, limit.Token));
    }

    private static string Pad(string b64url)
    {
        string b64 = b64url.Replace('-', '+').Replace('_', '/');
        return b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
    }
}
