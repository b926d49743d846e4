using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Security.Tls;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests.Transfers;

/// <summary>
/// The offer of a direct pull across stations (README, "Layered stations"), made by the station a copy's source unit is
/// connected to, on a real store, ticket signer and CA: a fresh ticket of this station for the same copy naming the
/// destination station's CA, the source's address and this station's CA. Refused in words for a forged ticket, a ticket
/// of another unit, a browser's download, a CA that is no certificate, or a station that relays its units' data; and,
/// asked from above as a read, this station's ACL decides first and a refusal names the station.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class DirectOfferTests : IDisposable
{
    private const string Source = "src", SourceUrl = "https://127.0.0.1:7443";
    private readonly string _caDir = Directory.CreateTempSubdirectory("ccdsvm-offer-ca-").FullName;
    private readonly string _peerDir = Directory.CreateTempSubdirectory("ccdsvm-offer-peer-").FullName;
    private readonly UnitCertificateIssuer _issuer;
    private readonly X509Certificate2 _peerCa;
    private readonly ECDsa _forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TransferOptions _options = new() { AllowLoopbackDataPlane = true };
    private readonly Above _above = new();
    private readonly EngineHarness _h;
    private TransferTickets _tickets = null!;
    private readonly DataRelay _relay;

    /// <summary>The station above, as a mid station reaches it: keeps the answers PUT to it.</summary>
    private sealed class Above : IUpstreamData
    {
        public TaskCompletionSource<(string Status, string Body)> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri? StationUrl { get; } = new("https://top.example:5080");

        public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Answer.TrySetResult((request.Headers.GetValues(DataPlaneRoutes.AnswerStatusHeader).Single(), body));
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
    }

    private sealed class NoLink : IUnitDataLink
    {
        public Task<string?> ServeAsync(string unitId, DataServeRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no unit here is below another station");
    }

    public DirectOfferTests()
    {
        _issuer = new UnitCertificateIssuer(StationCertificateAuthority.LoadOrCreate(_caDir, new TlsOptions(), TimeProvider.System),
            Options.Create(new TlsOptions()), TimeProvider.System);
        _peerCa = StationCertificateAuthority.LoadOrCreate(_peerDir, new TlsOptions(), TimeProvider.System).Certificate;
        var transfers = Options.Create(_options);
        _h = new EngineHarness(preparer: h => _tickets = new TransferTickets(h.Units, h.Keys, new DataPlanePolicy(transfers), transfers, TimeProvider.System, _above));
        _h.Units.Online("conn-" + Source, EngineHarness.Inventory(Source) with { DataUrl = SourceUrl }, DateTimeOffset.UtcNow);
        _relay = new DataRelay(_tickets, new DataPlanePolicy(transfers), _issuer, _h.Units, new DataRendezvous(), new NoLink(), _above, new UpstreamTransfers(),
            _h.Engine, NullLogger<DataRelay>.Instance);
    }

    public void Dispose()
    {
        _h.Dispose();
        _forger.Dispose();
        _peerCa.Dispose();
        Directory.Delete(_caDir, recursive: true);
        Directory.Delete(_peerDir, recursive: true);
    }

    private static TransferTicket Copy(string unit = Source, string destination = "dst") =>
        new(41, unit, "/srv/a.bin", destination, "/srv/b.bin", -1, false, DateTimeOffset.UtcNow.AddMinutes(5), TransferTicket.NewId(), "alice@top");

    private string PeerCa => DirectSource.EncodeCa(_peerCa.RawData);

    private static string Route(string? peerCa) => $"{DataPlaneRoutes.Direct}?path=%2Fsrv%2Fa.bin" + (peerCa is null ? "" : $"&peerCa={peerCa}");

    [Fact]
    public void TheOffer_IsThisStationsOwnFreshTicketForTheSameCopy_NamingThePeersCa_WithTheAddressAndThisStationsCa()
    {
        var asked = Copy();
        var offer = _relay.Offer(Source, Route(PeerCa), _tickets.Issue(asked));

        Assert.True(offer.Ok, offer.Error?.Message);
        Assert.Equal(SourceUrl, offer.Value!.SourceUrl);
        Assert.Equal(_issuer.Ca!.ExportCertificatePem(), offer.Value.Ca);
        var ticket = _tickets.Read(offer.Value.Ticket)!;
        Assert.Equal((41L, Source, "/srv/a.bin", "dst", "/srv/b.bin", false), (ticket.TaskId, ticket.SourceUnit, ticket.SourcePath, ticket.DestinationUnit, ticket.DestinationPath, ticket.AllowDelete));
        Assert.Equal(PeerCa, ticket.PeerCa);
        Assert.NotEqual(asked.Id, ticket.Id);
        Assert.Null(ticket.User);
        // Altered on the way (another CA named), the ticket is no longer this station's.
        string forgedBody = offer.Value.Ticket.Replace(offer.Value.Ticket[5..12], "AAAAAAA", StringComparison.Ordinal);
        Assert.Null(_tickets.Read(forgedBody));
    }

    [Fact]
    public void AnAddressConfiguredForOtherStationsUnits_IsOfferedInsteadOfTheAnnouncedOne()
    {
        _options.DirectUrls[Source] = "https://gateway.example:17443/";

        var offer = _relay.Offer(Source, Route(PeerCa), _tickets.Issue(Copy()));

        Assert.Equal("https://gateway.example:17443", offer.Value!.SourceUrl);
    }

    [Fact]
    public void AForgedTicket_AnotherUnitsTicket_ABrowsersDownload_ACaThatIsNoCertificate_OrAStationThatRelays_GetNoOffer()
    {
        var forged = _relay.Offer(Source, Route(PeerCa), TransferTicketSigning.Encode(Copy() with { Id = TransferTicket.NewId() }, _forger));
        Assert.Equal(StationErrorKind.Forbidden, forged.Error!.Kind);
        Assert.Contains("forged", forged.Error.Message);

        var other = _relay.Offer(Source, Route(PeerCa), _tickets.Issue(Copy(unit: "elsewhere")));
        Assert.Equal(StationErrorKind.Forbidden, other.Error!.Kind);
        Assert.Contains($"does not read unit '{Source}'", other.Error.Message);

        var browser = _relay.Offer(Source, Route(PeerCa), _tickets.Issue(Copy(destination: DataPlaneRoutes.BrowserDestination)));
        Assert.Contains("only the destination unit of a copy", browser.Error!.Message);

        var garbage = _relay.Offer(Source, Route("bm90IGEgY2VydGlmaWNhdGU"), _tickets.Issue(Copy()));
        Assert.Equal(StationErrorKind.BadRequest, garbage.Error!.Kind);

        _options.Route = "relay";
        var relays = _relay.Offer(Source, Route(PeerCa), _tickets.Issue(Copy()));
        Assert.Equal(StationErrorKind.Conflict, relays.Error!.Kind);
        Assert.Contains("Transfers:Route is relay", relays.Error.Message);
    }

    [Fact]
    public async Task AskedFromAbove_ThisStationsAclDecidesFirst_ARefusalNamesIt_AndAGrantedOfferGoesUpAsTheAnswer()
    {
        var relay = new TaskRelay(_h.Engine, _h.Notifier, _h.Access, _h.Units, new UpstreamOptions { Url = "https://top.example:5080", Name = "mid-1", Label = "top" });
        var serve = new DataServe(relay, _h.Units, _h.Access, _tickets, _relay, _above, TimeProvider.System, NullLogger<DataServe>.Instance);
        var above = Copy();
        var request = new DataServeRequest("answer-9", Source, Route(PeerCa), "signed by the station above");

        string? refused = serve.Serve(request, above);
        Assert.NotNull(refused);
        Assert.StartsWith("refused at mid-1:", refused);
        Assert.False(_above.Answer.Task.IsCompleted);

        using (var c = _h.Db.Open()) AccessControl.Grant(c, null, $"/units/{Source}", "alice@top", Roles.Operator.Name, "test", DateTimeOffset.UtcNow);
        _h.Access.Reload();
        Assert.Null(serve.Serve(request, above));

        var (status, body) = await _above.Answer.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("200", status);
        var offer = JsonSerializer.Deserialize<DirectSource>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(SourceUrl, offer.SourceUrl);
        var ticket = _tickets.Read(offer.Ticket)!;
        Assert.Equal((Source, "dst", PeerCa), (ticket.SourceUnit, ticket.DestinationUnit, ticket.PeerCa));
    }
}
