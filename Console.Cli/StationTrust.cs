using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// How the CLI trusts the station's HTTPS certificate, the way an administrator would: a pinned fingerprint of the
/// station's CA (the one agents use, checked with <see cref="CertificatePins"/>), a CA file, or the system trust store.
/// Never any certificate silently. The reason for the last refusal is kept for the error message.
/// </summary>
public sealed class StationTrust : IDisposable
{
    private readonly IReadOnlyList<string> _pins;
    private readonly X509Certificate2Collection _anchors = [];
    private readonly X509Certificate2Collection _caFile = [];

    public StationTrust(string? fingerprint, string? caPem, string? caFile)
    {
        if (fingerprint is not null)
        {
            string pin = CertificatePins.Normalize(fingerprint, out var error) ?? throw new CliException(ExitCodes.Usage, "--fingerprint: " + error);
            _pins = [pin];
            if (caPem is not null && CertificatePins.PinnedFromPem(caPem, _pins) is { } anchor) _anchors.Add(anchor);
        }
        else _pins = [];
        if (caFile is not null && fingerprint is null)
        {
            if (!File.Exists(caFile)) throw new CliException(ExitCodes.Usage, $"--ca-file: '{caFile}' does not exist");
            try { _caFile.ImportFromPem(File.ReadAllText(caFile)); }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new CliException(ExitCodes.Usage, $"--ca-file: '{caFile}' is not a PEM certificate ({ex.Message})");
            }
            if (_caFile.Count == 0) throw new CliException(ExitCodes.Usage, $"--ca-file: '{caFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
    }

    public IReadOnlyList<string> Pins => _pins;

    /// <summary>The pinned CA as PEM once it is at hand, to keep in the profile.</summary>
    public string? AnchorPem => _anchors.Count > 0 ? _anchors[0].ExportCertificatePem() : null;

    public string? LastRefusal { get; private set; }

    /// <summary>
    /// With a pin and no CA at hand: reads the station's /ca.crt without trusting the connection and keeps the certificate
    /// only if its fingerprint is the pin (a TLS server does not send its self-signed root, so the pin needs it).
    /// </summary>
    public async Task PrepareAsync(Uri station, CancellationToken ct)
    {
        if (station.Scheme != Uri.UriSchemeHttps || _pins.Count == 0 || _anchors.Count > 0) return;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Deliberately unverified: what is read is a public certificate, taken only if its fingerprint is pinned.
#pragma warning disable CA5359
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
#pragma warning restore CA5359
        }) { Timeout = TimeSpan.FromSeconds(20), MaxResponseContentBufferSize = 64 * 1024 };
        string pem;
        try { pem = await http.GetStringAsync(new Uri(station, "/ca.crt"), ct).ConfigureAwait(false); }
        catch (HttpRequestException) { return; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return; }
        if (CertificatePins.PinnedFromPem(pem, _pins) is { } anchor) _anchors.Add(anchor);
    }

    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return Refuse("the station presented no certificate");
        using var leaf = new X509Certificate2(certificate);
        if (_pins.Count > 0)
        {
            if (CertificatePins.Accepts(leaf, chain, _pins, _anchors, out var reason)) return true;
            return Refuse(reason.Replace("start the agent again with --fingerprint", "log in again with --fingerprint", StringComparison.Ordinal));
        }
        if (_caFile.Count > 0)
        {
            using var own = new X509Chain();
            own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            own.ChainPolicy.CustomTrustStore.AddRange(_caFile);
            own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null) foreach (var e in chain.ChainElements) own.ChainPolicy.ExtraStore.Add(e.Certificate);
            if (own.Build(leaf) && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None) return true;
            return Refuse($"the station's certificate {CertificatePins.Fingerprint(leaf)} ({leaf.Subject}) does not verify against the CA file " +
                          $"({string.Join(", ", _caFile.Select(CertificatePins.Fingerprint))}; {errors}); check --ca-file or pin the station with --fingerprint");
        }
        if (errors == SslPolicyErrors.None) return true;
        return Refuse($"the station's certificate {CertificatePins.Fingerprint(leaf)} ({leaf.Subject}, issued by {leaf.Issuer}) is not trusted by this host ({errors}): " +
                      "pin the station's CA with 'ccdsvm login --fingerprint <SHA-256>' (printed by the station at start, shown in the console's enrolment dialog) or give --ca-file");
    }

    private bool Refuse(string reason)
    {
        LastRefusal = reason;
        return false;
    }

    public SocketsHttpHandler Handler() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        SslOptions = { RemoteCertificateValidationCallback = (_, c, ch, e) => Validate(c, ch, e) },
    };

    public void Dispose()
    {
        foreach (var a in _anchors) a.Dispose();
        foreach (var c in _caFile) c.Dispose();
    }
}
