using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// HTTP clients for reading another unit's data plane directly. A plain http address gets the shared pool; an https
/// one a pool of its own per source unit, which presents this unit's certificate and accepts only the certificate the
/// station issued to that very unit (so an enrolled unit cannot stand in for another at its address).
/// </summary>
public sealed partial class DataPlaneClients(UnitCertificate certificate, ILogger<DataPlaneClients> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _byUnit = new(StringComparer.Ordinal);

    public HttpClient For(string sourceUnit, string sourceUrl) =>
        sourceUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? _byUnit.GetOrAdd(sourceUnit, Make) : SourceClient.SharedHttp;

    /// <summary>
    /// A pool for pulling directly from <paramref name="sourceUnit"/> of another station (README, "Layered stations"): it
    /// presents this unit's certificate and accepts only the certificate <paramref name="caPem"/>, that station's CA (given
    /// in its offer), issued to that very unit. One per unit and CA.
    /// </summary>
    public HttpClient ForOtherStation(string sourceUnit, string caPem)
    {
        var ca = X509Certificate2.CreateFromPem(caPem);
        string key = $"{sourceUnit}\n{Shared.Contracts.Tls.CertificatePins.Fingerprint(ca)}";
        if (_byUnit.TryGetValue(key, out var known))
        {
            ca.Dispose();
            return known;
        }
        return _byUnit.GetOrAdd(key, _ => Make(sourceUnit, ca));
    }

    private HttpClient Make(string unit) => Make(unit, null);

    private HttpClient Make(string unit, X509Certificate2? otherStation) => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
        SslOptions =
        {
            // Renewed certificates are picked up by new connections.
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate.Current!,
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
            {
                using var leaf = presented is null ? null : new X509Certificate2(presented);
                string why;
                if (otherStation is null ? certificate.Accepts(leaf, unit, allowRelay: false, out why)
                    : Shared.Contracts.Tls.UnitCertificates.Verify(leaf, otherStation, unit, allowRelay: false, out why)) return true;
                LogRefused(unit, why);
                return false;
            },
        },
    }) { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose()
    {
        foreach (var client in _byUnit.Values) client.Dispose();
    }

    [LoggerMessage(1233, LogLevel.Warning, "Data plane: refused the certificate of unit '{Unit}': {Reason}")]
    private partial void LogRefused(string unit, string reason);
}
