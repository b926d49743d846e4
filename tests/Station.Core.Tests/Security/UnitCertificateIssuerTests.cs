using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts.Tls;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Security.Tls;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests.Security;

/// <summary>
/// The station's CA signs data-plane certificates for the connection's unit only, whatever the request asks for, and
/// refuses a request it cannot read, one whose signature does not verify, a key type it does not sign, and a huge one.
/// </summary>
public sealed class UnitCertificateIssuerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-unitcert-").FullName;
    private readonly StationCertificateAuthority _ca;
    private readonly UnitCertificateIssuer _issuer;

    public UnitCertificateIssuerTests()
    {
        _ca = StationCertificateAuthority.LoadOrCreate(_dir, new TlsOptions(), TimeProvider.System);
        _issuer = new UnitCertificateIssuer(_ca, Options.Create(new TlsOptions { UnitCertificateHours = 6 }), TimeProvider.System);
    }

    private static string Request(string subject, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    [Fact]
    public void A_request_is_signed_for_the_connections_unit_whatever_subject_it_asks_for_for_the_configured_hours()
    {
        string pem = Request("CN=station, O=someone-else", out var key);
        using var _ = key;
        var issued = _issuer.Issue("unit-7", pem);

        Assert.True(issued.Ok, issued.Error?.Message);
        var chain = UnitCertificates.ReadChain(issued.Value!);
        Assert.Equal(2, chain.Length);
        Assert.Equal(_ca.Certificate.RawData, chain[1].RawData);
        Assert.Equal("unit-7", UnitCertificates.UnitOf(chain[0]));
        Assert.False(UnitCertificates.IsRelay(chain[0]));
        Assert.True(UnitCertificates.Verify(chain[0], _ca.Certificate, "unit-7", allowRelay: false, out var why), why);
        Assert.False(UnitCertificates.Verify(chain[0], _ca.Certificate, "unit-8", allowRelay: true, out why));
        Assert.Contains("not unit 'unit-8'", why);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), chain[0].PublicKey.ExportSubjectPublicKeyInfo());
        Assert.InRange(chain[0].NotAfter - chain[0].NotBefore, TimeSpan.FromHours(6), TimeSpan.FromHours(6.5));
    }

    [Fact]
    public void A_certificate_from_another_CA_is_not_one_of_this_stations()
    {
        string otherDir = Directory.CreateTempSubdirectory("ccdsvm-unitcert-other-").FullName;
        try
        {
            var other = new UnitCertificateIssuer(StationCertificateAuthority.LoadOrCreate(otherDir, new TlsOptions(), TimeProvider.System),
                Options.Create(new TlsOptions()), TimeProvider.System);
            string pem = Request("CN=x", out var key);
            using var _ = key;
            var foreign = UnitCertificates.ReadChain(other.Issue("unit-7", pem).Value!)[0];
            Assert.False(UnitCertificates.Verify(foreign, _ca.Certificate, "unit-7", allowRelay: false, out var why));
            Assert.Contains("not issued by this station's CA", why);
        }
        finally
        {
            Directory.Delete(otherDir, recursive: true);
        }
    }

    [Fact]
    public void The_relays_certificate_names_the_relay_and_is_accepted_where_the_relay_is()
    {
        var relay = _issuer.RelayCertificate!;
        Assert.True(relay.HasPrivateKey);
        Assert.True(UnitCertificates.IsRelay(relay));
        Assert.Null(UnitCertificates.UnitOf(relay));
        Assert.True(UnitCertificates.Verify(relay, _ca.Certificate, "unit-7", allowRelay: true, out var why), why);
        Assert.False(UnitCertificates.Verify(relay, _ca.Certificate, "unit-7", allowRelay: false, out _));
        Assert.Same(relay, _issuer.RelayCertificate);
    }

    public static TheoryData<string, string> BadRequests()
    {
        using var rsa = RSA.Create(2048);
        string rsaRequest = new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RsaPadding()).CreateSigningRequestPem();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string good = new CertificateRequest("CN=x", ec, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        // One character of the signature changed: the request no longer proves its key.
        var body = good.Split('\n');
        int last = body.Length - 3;
        body[last] = (body[last][0] == 'A' ? 'B' : 'A') + body[last][1..];
        return new()
        {
            { "", "empty" },
            { "not a request", "cannot be read" },
            { string.Join('\n', body), "cannot be read or its signature does not verify" },
            { rsaRequest, "ECDSA keys only" },
            { new string('A', UnitCertificates.MaxRequestLength + 1), "at most" },
        };
    }

    private static RSASignaturePadding RsaPadding() => RSASignaturePadding.Pkcs1;

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void A_bad_request_is_refused_with_a_reason(string pem, string reason)
    {
        var issued = _issuer.Issue("unit-7", pem);
        Assert.False(issued.Ok);
        Assert.Equal(StationErrorKind.BadRequest, issued.Error!.Kind);
        Assert.Contains(reason, issued.Error.Message);
    }

    [Fact]
    public void Without_a_CA_nothing_is_issued_and_it_says_so()
    {
        var none = new UnitCertificateIssuer(null, Options.Create(new TlsOptions()), TimeProvider.System);
        Assert.Contains("no certificate authority", none.Issue("unit-7", Request("CN=x", out var key)).Error!.Message);
        key.Dispose();
        Assert.Null(none.RelayCertificate);
    }

    public void Dispose()
    {
        _ca.Certificate.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
