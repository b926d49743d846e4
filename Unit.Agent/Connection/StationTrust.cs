using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts.Tls;
using Ccdsvm.Unit.Agent.Enrolment;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// Which station certificate this unit trusts: the fingerprints given with <c>--fingerprint</c>, else those pinned at
/// enrolment (kept in enrolment.json). With pins, only a certificate that is pinned or issued by a pinned certificate
/// is accepted, whatever its name; without, the host's trusted CAs decide (an operator's public certificate). A TLS
/// server does not send its self-signed root, so a pinned CA is fetched once from the station's /ca.crt, accepted only
/// if its fingerprint is the pin, and kept (station-ca.pem in the state directory). Every refusal is kept in
/// <see cref="LastRefusal"/> and said once in the log.
/// </summary>
public sealed partial class StationTrust(IOptions<AgentOptions> options, ILogger<StationTrust> logger) : IDisposable
{
    public const string AnchorFile = "station-ca.pem";
    private IReadOnlyList<string>? _pins;
    private volatile X509Certificate2? _anchor;
    private string? _lastLogged;

    /// <summary>The pins in force: the configured ones when given, else those the enrolment stored.</summary>
    public IReadOnlyList<string> Pins => _pins ??= Resolve();

    /// <summary>Why the last refused handshake was refused, or null.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>The fingerprints given in configuration (<c>--fingerprint</c>), to be stored with a new enrolment.</summary>
    public IReadOnlyList<string> Configured => CertificatePins.ParseList(options.Value.StationFingerprint);

    /// <summary>Takes the pins an enrolment just stored.</summary>
    public void Use(IReadOnlyList<string> pins) => _pins = pins;

    private string AnchorPath => Path.Combine(options.Value.EffectiveStateDirectory, AnchorFile);

    private IReadOnlyList<string> Resolve()
    {
        var configured = Configured;
        if (configured.Count > 0) return configured;
        try { return EnrolmentState.Load(options.Value.EffectiveStateDirectory)?.Pins ?? []; }
        catch (EnrolmentRefusedException) { return []; }
    }

    /// <summary>
    /// Before talking to the station over HTTPS: makes sure the pinned CA's certificate is at hand, from the state
    /// directory or from the station's /ca.crt (read without trusting the connection: only a certificate whose
    /// fingerprint is pinned is taken).
    /// </summary>
    public async Task PrepareAsync(Uri station, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        var pins = Pins;
        if (station.Scheme != "https" || pins.Count == 0 || _anchor is { } known && pins.Contains(CertificatePins.Fingerprint(known))) return;
        if (File.Exists(AnchorPath) && CertificatePins.PinnedFromPem(await File.ReadAllTextAsync(AnchorPath, ct).ConfigureAwait(false), pins) is { } stored)
        {
            _anchor = stored;
            return;
        }
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // Deliberately unverified: what is read is a public certificate, taken only if its fingerprint is pinned.
#pragma warning disable CA5359
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
#pragma warning restore CA5359
        }) { Timeout = TimeSpan.FromSeconds(15), MaxResponseContentBufferSize = 64 * 1024 };
        string pem;
        try { pem = await http.GetStringAsync(new Uri(station, "/ca.crt"), ct).ConfigureAwait(false); }
        catch (HttpRequestException ex) when (ex.StatusCode is not null) { return; } // no CA served: a pinned leaf may still match
        catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Unreachable or too slow now: a network hiccup the caller retries, never a refusal of the station (which
            // is final at enrolment). A refusal left from an earlier attempt is not this attempt's.
            LastRefusal = null;
            throw new HttpRequestException($"could not read the station's CA certificate from {new Uri(station, "/ca.crt")} to check the station's certificate: {ex.Message}", ex);
        }
        if (CertificatePins.PinnedFromPem(pem, pins) is not { } fetched) return;
        _anchor = fetched;
        Directory.CreateDirectory(options.Value.EffectiveStateDirectory);
        await File.WriteAllTextAsync(AnchorPath, fetched.ExportCertificatePem() + "\n", ct).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(AnchorPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        string? reason;
        if (certificate is null) reason = "the station presented no certificate";
        else if (Pins.Count > 0)
        {
            using var leaf = new X509Certificate2(certificate);
            X509Certificate2[] anchors = _anchor is { } a ? [a] : [];
            if (CertificatePins.Accepts(leaf, chain, Pins, anchors, out var why)) return Accepted();
            reason = why;
        }
        else if (errors == SslPolicyErrors.None) return Accepted();
        else
        {
            using var leaf = new X509Certificate2(certificate);
            reason = $"the station's certificate {CertificatePins.Fingerprint(leaf)} ({leaf.Subject}) is not trusted by this host ({errors}) and no fingerprint is pinned: " +
                     "start the agent with --fingerprint <SHA-256 fingerprint>, as shown in the console's enrolment dialog or printed by the station at start";
        }
        LastRefusal = reason;
        if (_lastLogged != reason)
        {
            _lastLogged = reason;
            LogRefused(logger, reason);
        }
        return false;
    }

    private bool Accepted()
    {
        LastRefusal = null;
        return true;
    }

    public RemoteCertificateValidationCallback Callback => (_, certificate, chain, errors) => Validate(certificate, chain, errors);

    public void Dispose() => _anchor?.Dispose();

    [LoggerMessage(1210, LogLevel.Error, "Refusing the station: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
