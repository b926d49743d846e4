using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// How the tests trust the stations they start: exactly as an agent does, by the fingerprint of each station's own CA
/// (read from its data directory, {DataDirectory}/tls/ca.crt) — never by accepting any certificate.
/// </summary>
public static class TestTls
{
    private static readonly ConcurrentDictionary<string, byte> DataDirectories = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, X509Certificate2> Anchors = new(StringComparer.Ordinal);

    /// <summary>Trusts certificates issued by <paramref name="ca"/> too (an operator's CA in a test).</summary>
    public static void TrustAnchor(X509Certificate2 ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        Anchors.TryAdd(CertificatePins.Fingerprint(ca), X509CertificateLoader.LoadCertificate(ca.RawData));
    }

    /// <summary>Trusts the CA of the station whose store is <paramref name="dataDirectory"/> (read when first needed: it appears at the station's first start).</summary>
    public static void Trust(string dataDirectory) => DataDirectories.TryAdd(Path.GetFullPath(dataDirectory), 0);

    /// <summary>The SHA-256 fingerprint of that station's CA, the value agents are given with --fingerprint.</summary>
    public static string Fingerprint(string dataDirectory)
    {
        using var ca = Ca(dataDirectory) ?? throw new InvalidOperationException($"the station has no CA in {dataDirectory}/tls yet");
        return CertificatePins.Fingerprint(ca);
    }

    private static X509Certificate2? Ca(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, "tls", "ca.crt");
        return File.Exists(path) ? X509CertificateLoader.LoadCertificateFromFile(path) : null;
    }

    public static bool Validate(X509Certificate? certificate, X509Chain? chain)
    {
        if (certificate is null) return false;
        using var leaf = new X509Certificate2(certificate);
        if (!Anchors.IsEmpty && CertificatePins.Accepts(leaf, chain, [.. Anchors.Keys], Anchors.Values, out _)) return true;
        foreach (var dir in DataDirectories.Keys)
        {
            using var ca = Ca(dir);
            if (ca is not null && CertificatePins.Accepts(leaf, chain, [CertificatePins.Fingerprint(ca)], [ca], out _)) return true;
        }
        return false;
    }

    public static RemoteCertificateValidationCallback Callback => (_, c, chain, _) => Validate(c, chain);

    /// <summary>The same trust for a SignalR client (its HTTP requests and its WebSocket).</summary>
    public static void Configure(Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.HttpMessageHandlerFactory = inner =>
        {
            if (inner is HttpClientHandler h) h.ServerCertificateCustomValidationCallback = (_, c, chain, _) => Validate(c, chain);
            return inner;
        };
        options.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = Callback;
    }

    /// <summary>A handler for HttpClient that trusts the registered stations (and plain HTTP).</summary>
    public static SocketsHttpHandler Handler(CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = Callback } };
        if (cookies is not null) handler.CookieContainer = cookies;
        return handler;
    }
}
