using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.EndToEnd.Tests.Tls;

/// <summary>
/// Issue 17, the data plane: agent-to-agent streams are TLS with the certificates the station issues to enrolled units
/// (short-lived, asked for over the hub connection), so a unit serves data only to units of its station and the relay.
/// Two real agents (a, b) and a real station; moves between them run direct over it in <see cref="MoveTests"/>.
/// </summary>
[Collection(MoveProcessCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DataPlaneTlsTests(MoveCluster cluster)
{
    private string StationData => Path.Combine(cluster.Work, "station");

    private string StateOf(string unit) => Path.Combine(cluster.Work, "state-" + unit);

    [Fact]
    public async Task Each_unit_holds_a_one_day_certificate_from_the_station_CA_naming_it_with_its_key_0600_and_announces_an_https_data_plane()
    {
        using var ca = DataPlaneTls.StationCa(StationData);
        foreach (var unit in new[] { "a", "b" })
        {
            Assert.StartsWith("https://", await cluster.DataUrlOfAsync(unit));
            using var certificate = DataPlaneTls.UnitCertificate(StateOf(unit));
            Assert.Equal(unit, UnitCertificates.UnitOf(certificate));
            Assert.True(UnitCertificates.Verify(certificate, ca, unit, allowRelay: false, out var why), why);
            Assert.InRange(certificate.NotAfter - certificate.NotBefore, TimeSpan.FromHours(24), TimeSpan.FromHours(24.5));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(StateOf(unit), "unit.key")));
        }
    }

    [Fact]
    public async Task A_units_data_plane_serves_the_tickets_destination_unit_and_refuses_no_certificate_a_foreign_one_and_another_enrolled_unit()
    {
        string file = Path.Combine(cluster.RootA, "tls-probe.bin");
        byte[] content = RandomNumberGenerator.GetBytes(64 * 1024);
        await File.WriteAllBytesAsync(file, content);
        try
        {
            string url = $"{await cluster.DataUrlOfAsync("a")}{DataPlaneRoutes.File}?path={Uri.EscapeDataString(file)}";
            using var ca = DataPlaneTls.StationCa(StationData);
            using var stationKey = cluster.StationKey();
            HttpRequestMessage Request()
            {
                var ticket = TransferTicketSigning.Encode(new TransferTicket(1, "a", file, "b", "/x", -1, false, DateTimeOffset.UtcNow.AddMinutes(5), TransferTicket.NewId()), stationKey);
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Add(DataPlaneRoutes.TicketHeader, ticket);
                return request;
            }

            // No certificate: the routes refuse before the ticket is even looked at.
            using (var none = DataPlaneTls.Client(ca, "a", client: null))
            using (var request = Request())
            using (var answer = await none.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
                Assert.Contains("serves only units enrolled", await answer.Content.ReadAsStringAsync());
            }

            // A certificate naming b, but made by someone other than the station: refused before the ticket is claimed (a
            // certificate of another station's CA passes only with a ticket naming that CA, README "Layered stations").
            using (var forged = Forged("b"))
            using (var foreign = DataPlaneTls.Client(ca, "a", forged))
            using (var request = Request())
            using (var answer = await foreign.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
                Assert.Contains("serves only units enrolled", await answer.Content.ReadAsStringAsync());
            }

            // Another enrolled unit (a itself) holding b's ticket.
            using (var asA = DataPlaneTls.UnitCertificate(StateOf("a")))
            using (var other = DataPlaneTls.Client(ca, "a", asA))
            using (var request = Request())
            using (var answer = await other.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
                Assert.Contains("but unit 'a' presented it", await answer.Content.ReadAsStringAsync());
            }

            // b, the ticket's destination, reads the file.
            using (var asB = DataPlaneTls.UnitCertificate(StateOf("b")))
            using (var destination = DataPlaneTls.Client(ca, "a", asB))
            using (var request = Request())
            using (var answer = await destination.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Equal(content, await answer.Content.ReadAsByteArrayAsync());
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A self-signed certificate that names a unit as the station's would.</summary>
    private static X509Certificate2 Forged(string unit)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={unit}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(UnitCertificates.DnsName(unit));
        request.CertificateExtensions.Add(san.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}
