using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tls;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Security.Tls;

/// <summary>
/// Signs the data-plane certificates of enrolled units with the station's CA (<see cref="UnitCertificates"/>): for a
/// connected unit, the key of its certificate request, naming only that unit, valid Station:Tls:UnitCertificateHours.
/// Also holds the relay's own client certificate, made in memory and renewed at half its life. A station started
/// without its CA (a host that is not the product's) issues nothing and says so.
/// </summary>
public sealed class UnitCertificateIssuer(StationCertificateAuthority? authority, IOptions<TlsOptions> options, TimeProvider time)
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private readonly Lock _gate = new();
    private X509Certificate2? _relay;

    public bool Enabled => authority is not null;

    /// <summary>The CA that issues the certificates, or null.</summary>
    public X509Certificate2? Ca => authority?.Certificate;

    public TimeSpan Lifetime => TimeSpan.FromHours(Math.Clamp(options.Value.UnitCertificateHours, 1, 720));

    /// <summary>The unit's certificate chain (PEM: the unit's, then the CA's), or a refusal naming what is wrong with the request.</summary>
    public Outcome<string> Issue(string unit, string? requestPem)
    {
        if (authority is null) return StationError.Conflict("this station has no certificate authority, so it issues no unit certificates");
        if (string.IsNullOrWhiteSpace(requestPem)) return StationError.BadRequest("the certificate request is empty");
        if (requestPem.Length > UnitCertificates.MaxRequestLength)
            return StationError.BadRequest($"the certificate request is {requestPem.Length:N0} characters; at most {UnitCertificates.MaxRequestLength:N0}");
        CertificateRequest request;
        try
        {
            // Default load options check the request's signature: the unit holds the private key of what it asks for.
            request = CertificateRequest.LoadSigningRequestPem(requestPem, HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return StationError.BadRequest($"the certificate request cannot be read or its signature does not verify: {ex.Message}");
        }
        if (request.PublicKey.Oid.Value != EcPublicKey)
            return StationError.BadRequest($"the certificate request's key is {request.PublicKey.Oid.FriendlyName ?? request.PublicKey.Oid.Value}; the station signs ECDSA keys only");
        using var made = Sign(new X500DistinguishedName($"CN={unit}, OU=units, O=CCDSVM"), request.PublicKey, UnitCertificates.DnsName(unit), Lifetime);
        return made.ExportCertificatePem() + "\n" + authority.Certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>The relay's client certificate (with its key), issued again when half its life is gone; null without a CA.</summary>
    public X509Certificate2? RelayCertificate
    {
        get
        {
            if (authority is null) return null;
            lock (_gate)
            {
                var now = time.GetUtcNow().UtcDateTime;
                if (_relay is { } current && now < current.NotBefore.ToUniversalTime() + (current.NotAfter - current.NotBefore) / 2) return current;
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest("CN=station relay, O=CCDSVM", key, HashAlgorithmName.SHA256);
                using var signed = Sign(request.SubjectName, request.PublicKey, UnitCertificates.RelayName, TimeSpan.FromDays(7));
                // Through PKCS#12 so the key is usable for TLS on every platform (an ephemeral key is not, on some).
                using var withKey = signed.CopyWithPrivateKey(key);
                _relay = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
                return _relay;
            }
        }
    }

    private X509Certificate2 Sign(X500DistinguishedName subject, PublicKey key, string dnsName, TimeSpan lifetime)
    {
        var ca = authority!.Certificate;
        var now = time.GetUtcNow();
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        var notAfter = now + lifetime;
        if (notAfter > ca.NotAfter.ToUniversalTime()) notAfter = ca.NotAfter.ToUniversalTime();
        // Back-dated ten minutes, for units whose clock runs slightly behind.
        using var caKey = ca.GetECDsaPrivateKey()!;
        return request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-10), notAfter, RandomNumberGenerator.GetBytes(16));
    }
}
