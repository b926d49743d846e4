using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tls;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// This unit's data-plane certificate (<see cref="UnitCertificates"/>): asked of the station over the hub connection
/// for a key made here, kept in the state directory (unit.crt with the CA, unit.key, 0600), renewed at half its
/// life while connected. The data plane serves with it and presents it when reading from another unit; the CA that
/// came with it is what peers' certificates are checked against. Off when Agent:DataUrl is plain http.
/// </summary>
public sealed partial class UnitCertificate(IOptions<AgentOptions> options, ILogger<UnitCertificate> logger) : IDisposable
{
    public const string CertificateFile = "unit.crt";
    public const string KeyFile = "unit.key";
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private volatile Held? _held;
    private bool _loaded;

    private sealed record Held(X509Certificate2 Certificate, X509Certificate2 Ca, SslStreamCertificateContext Context);

    /// <summary>Whether the data plane runs over TLS (Agent:DataUrl is https).</summary>
    public bool Enabled => new Uri(options.Value.DataUrl).Scheme == Uri.UriSchemeHttps;

    /// <summary>The current certificate with its key, or null before the station issued one.</summary>
    public X509Certificate2? Current => Load()?.Certificate;

    /// <summary>The CA that issued it: the anchor for every peer's certificate.</summary>
    public X509Certificate2? Ca => Load()?.Ca;

    /// <summary>For the data plane's TLS handshakes; null before the station issued a certificate.</summary>
    public SslStreamCertificateContext? Context => Load()?.Context;

    private string Dir => options.Value.EffectiveStateDirectory;

    private Held? Load()
    {
        if (_loaded) return _held;
        lock (_gate)
        {
            if (_loaded) return _held;
            _loaded = true;
            string cert = Path.Combine(Dir, CertificateFile), key = Path.Combine(Dir, KeyFile);
            if (File.Exists(cert) && File.Exists(key))
            {
                try { _held = Make(File.ReadAllText(cert), File.ReadAllText(key)); }
                catch (Exception ex) when (ex is CryptographicException or InvalidDataException) { LogUnreadable(Dir, ex.Message); }
            }
            return _held;
        }
    }

    private static Held Make(string chainPem, string keyPem)
    {
        var chain = UnitCertificates.ReadChain(chainPem);
        if (chain.Length < 2) throw new InvalidDataException("the certificate file holds no CA after the unit's certificate");
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        using var withKey = chain[0].CopyWithPrivateKey(key);
        // Through PKCS#12, so the key is usable for TLS on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var ca = chain[^1];
        var context = SslStreamCertificateContext.Create(certificate, new X509Certificate2Collection(ca), offline: true);
        return new Held(certificate, ca, context);
    }

    /// <summary>Whether a new certificate is due: none yet, or half its life gone.</summary>
    public bool Due(DateTimeOffset now)
    {
        var c = Current;
        return c is null || now.UtcDateTime >= c.NotBefore.ToUniversalTime() + (c.NotAfter - c.NotBefore) / 2;
    }

    /// <summary>Asks the station for a certificate when one is due; a refusal or a timeout is logged, and the data plane keeps what it has.</summary>
    public async Task RenewIfDueAsync(HubConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!Enabled || !Due(DateTimeOffset.UtcNow)) return;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={options.Value.Name}", key, HashAlgorithmName.SHA256);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(CallLimit);
        string chainPem;
        try
        {
            chainPem = await connection.InvokeAsync<string>(nameof(IAgentHub.RequestCertificate), request.CreateSigningRequestPem(), limit.Token).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            LogRefused(ex.Message);
            return;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogRefused($"no answer within {CallLimit.TotalSeconds:0} s");
            return;
        }
        string keyPem = key.ExportPkcs8PrivateKeyPem();
        Held made;
        try { made = Make(chainPem, keyPem); }
        catch (Exception ex) when (ex is CryptographicException or InvalidDataException)
        {
            LogRefused($"the station's answer is no certificate chain: {ex.Message}");
            return;
        }
        if (UnitCertificates.UnitOf(made.Certificate) != options.Value.Name)
        {
            LogRefused($"the station issued a certificate for '{UnitCertificates.UnitOf(made.Certificate)}', not for this unit");
            return;
        }
        Directory.CreateDirectory(Dir);
        Write(Path.Combine(Dir, KeyFile), keyPem);
        Write(Path.Combine(Dir, CertificateFile), chainPem);
        lock (_gate)
        {
            _held = made;
            _loaded = true;
        }
        LogIssued(made.Certificate.NotAfter.ToUniversalTime());
    }

    /// <summary>While connected: renews when due (checked every five minutes).</summary>
    public async Task KeepAsync(HubConnection connection, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await RenewIfDueAsync(connection, ct).ConfigureAwait(false);
                await Task.Delay(CheckEvery, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The connection went away mid-call, or anything else: never the agent's end; the next connection renews.
            LogRefused(ex.Message);
        }
    }

    /// <summary>As <see cref="RenewIfDueAsync"/>, for the connect path: a certificate problem is logged and never keeps the unit from connecting.</summary>
    public async Task TryRenewAsync(HubConnection connection, CancellationToken ct)
    {
        try { await RenewIfDueAsync(connection, ct).ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefused(ex.Message);
        }
    }

    private static void Write(string path, string text)
    {
        string temp = path + ".new";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A peer's certificate is one this station issued to <paramref name="expectedUnit"/> (any unit or the relay when null).</summary>
    public bool Accepts(X509Certificate2? presented, string? expectedUnit, bool allowRelay, out string reason)
    {
        if (Ca is not { } ca)
        {
            reason = "this unit has no certificate from its station yet, so it can check no peer";
            return false;
        }
        return UnitCertificates.Verify(presented, ca, expectedUnit, allowRelay, out reason);
    }

    public void Dispose()
    {
        _held?.Certificate.Dispose();
        _held?.Ca.Dispose();
    }

    [LoggerMessage(1230, LogLevel.Information, "Data plane: the station issued this unit's certificate, valid until {NotAfter:u}")]
    private partial void LogIssued(DateTime notAfter);

    [LoggerMessage(1231, LogLevel.Warning, "Data plane: no new unit certificate from the station: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(1232, LogLevel.Warning, "Data plane: the unit certificate in {Directory} cannot be read ({Reason}); a new one is asked for at the next connection")]
    private partial void LogUnreadable(string directory, string reason);
}
