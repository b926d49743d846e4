using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A client of a unit's data plane as another unit is one: it presents a unit's certificate (the unit.crt and unit.key
/// its agent keeps in its state directory, or none) and accepts only the certificate the station's CA issued to the
/// unit it calls.
/// </summary>
public static class DataPlaneTls
{
    /// <summary>The certificate and key an agent keeps in <paramref name="stateDirectory"/>, ready for TLS.</summary>
    public static X509Certificate2 UnitCertificate(string stateDirectory)
    {
        using var pem = X509Certificate2.CreateFromPemFile(Path.Combine(stateDirectory, "unit.crt"), Path.Combine(stateDirectory, "unit.key"));
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public static X509Certificate2 StationCa(string stationDataDirectory) =>
        X509CertificateLoader.LoadCertificateFromFile(Path.Combine(stationDataDirectory, "tls", "ca.crt"));

    /// <summary>An HTTP client for <paramref name="unit"/>'s data plane, presenting <paramref name="client"/> (or no certificate).</summary>
    public static HttpClient Client(X509Certificate2 ca, string unit, X509Certificate2? client) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = client is null ? null : new X509CertificateCollection { client },
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
            {
                using var leaf = presented is null ? null : new X509Certificate2(presented);
                return UnitCertificates.Verify(leaf, ca, unit, allowRelay: false, out _);
            },
        },
    }) { Timeout = TimeSpan.FromSeconds(30) };
}
