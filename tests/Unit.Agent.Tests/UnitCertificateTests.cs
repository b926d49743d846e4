using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts.Tls;
using Ccdsvm.Unit.Agent;
using Ccdsvm.Unit.Agent.DataPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// The agent's data-plane certificate as kept in its state directory: read back after a restart, due for renewal once
/// half its life is gone (not before), and an unreadable file is no certificate (a new one is asked for).
/// </summary>
public sealed class UnitCertificateTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("ccdsvm-unitcert-state-");
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public UnitCertificateTests()
    {
        var request = new CertificateRequest("CN=test station CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(1));
    }

    private UnitCertificate Holder() => new(Options.Create(new AgentOptions { Name = "unit-a", StateDirectory = _state.FullName, DataUrl = "https://127.0.0.1:0" }),
        NullLogger<UnitCertificate>.Instance);

    /// <summary>Writes unit.crt (with the CA) and unit.key as the agent does, for a certificate from <paramref name="from"/> to <paramref name="until"/>.</summary>
    private void Store(DateTimeOffset from, DateTimeOffset until)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=unit-a", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(UnitCertificates.DnsName("unit-a"));
        request.CertificateExtensions.Add(san.Build());
        using var made = request.Create(_ca, from, until, RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(Path.Combine(_state.FullName, UnitCertificate.CertificateFile), made.ExportCertificatePem() + "\n" + _ca.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(_state.FullName, UnitCertificate.KeyFile), key.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public void A_kept_certificate_is_read_back_with_its_key_and_CA_and_is_due_only_after_half_its_life()
    {
        var now = DateTimeOffset.UtcNow;
        Store(now.AddHours(-10), now.AddHours(14));
        using var fresh = Holder();
        Assert.True(fresh.Enabled);
        Assert.Equal("unit-a", UnitCertificates.UnitOf(fresh.Current!));
        Assert.True(fresh.Current!.HasPrivateKey);
        Assert.Equal(_ca.RawData, fresh.Ca!.RawData);
        Assert.NotNull(fresh.Context);
        Assert.False(fresh.Due(now));
        Assert.True(fresh.Due(now.AddHours(2.1)));

        Store(now.AddHours(-13), now.AddHours(11));
        using var old = Holder();
        Assert.True(old.Due(now));
    }

    [Fact]
    public void No_certificate_or_an_unreadable_one_is_due_at_once_and_serves_nothing()
    {
        using (var none = Holder())
        {
            Assert.Null(none.Current);
            Assert.True(none.Due(DateTimeOffset.UtcNow));
            Assert.False(none.Accepts(null, null, allowRelay: true, out var why));
            Assert.Contains("no certificate from its station yet", why);
        }
        File.WriteAllText(Path.Combine(_state.FullName, UnitCertificate.CertificateFile), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        File.WriteAllText(Path.Combine(_state.FullName, UnitCertificate.KeyFile), "garbage");
        using var broken = Holder();
        Assert.Null(broken.Current);
        Assert.True(broken.Due(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Plain_http_data_plane_needs_no_certificate()
    {
        using var plain = new UnitCertificate(Options.Create(new AgentOptions { Name = "unit-a", StateDirectory = _state.FullName, DataUrl = "http://127.0.0.1:0" }),
            NullLogger<UnitCertificate>.Instance);
        Assert.False(plain.Enabled);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        _state.Delete(recursive: true);
    }
}
