using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Security.Tls;

/// <summary>Where the server certificate comes from: an operator's PEM (certificate file with its chain, key file) or pfx, or the station's own.</summary>
public sealed record CertificateFiles(string Path, string? KeyPath, string? Password, bool Operator);

/// <summary>
/// The certificate the station serves, with the chain it sends (so a pinned CA can be checked), read again when its
/// files change: a renewed or replaced certificate is served to new connections within a second, without a restart.
/// A file caught half-written keeps the previous certificate until it reads whole.
/// </summary>
public sealed partial class ServerCertificateSource
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly CertificateFiles _files;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private Loaded _current;
    private long _nextCheck;

    public ServerCertificateSource(CertificateFiles files, ILogger logger)
    {
        _files = files;
        _logger = logger;
        _current = Load(files);
    }

    public CertificateFiles Files => _files;

    /// <summary>The context for the next handshake; re-reads the files when they changed (checked at most once a second).</summary>
    public SslStreamCertificateContext Context
    {
        get
        {
            long now = Environment.TickCount64;
            if (now >= Interlocked.Read(ref _nextCheck))
            {
                Interlocked.Exchange(ref _nextCheck, now + (long)CheckEvery.TotalMilliseconds);
                ReloadIfChanged();
            }
            return _current.Context;
        }
    }

    /// <summary>The leaf certificate served now.</summary>
    public X509Certificate2 Leaf => _current.Leaf;

    /// <summary>Fingerprints of the served certificate and the chain sent with it, leaf first.</summary>
    public IReadOnlyList<string> ChainFingerprints => _current.Fingerprints;

    private void ReloadIfChanged()
    {
        var stamp = Stamp(_files);
        if (stamp == _current.Stamp) return;
        lock (_gate)
        {
            if (stamp == _current.Stamp) return;
            try
            {
                var loaded = Load(_files);
                _current = loaded;
                LogReloaded(_logger, _files.Path, loaded.Fingerprints[0]);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                LogReloadFailed(_logger, _files.Path, ex.Message);
            }
        }
    }

    private static string Stamp(CertificateFiles files) =>
        string.Join('|', new[] { files.Path, files.KeyPath }.Where(p => p is not null).Select(p =>
        {
            var info = new FileInfo(p!);
            return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : "missing";
        }));

    private static Loaded Load(CertificateFiles files)
    {
        string stamp = Stamp(files);
        if (!File.Exists(files.Path)) throw new InvalidOperationException($"the certificate file {files.Path} does not exist");
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        bool pem = files.KeyPath is not null || files.Path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || files.Path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);
        if (pem)
        {
            if (files.KeyPath is null) throw new InvalidOperationException($"the PEM certificate {files.Path} needs a KeyPath (the private key file)");
            leaf = files.Password is { Length: > 0 }
                ? X509Certificate2.CreateFromEncryptedPemFile(files.Path, files.Password, files.KeyPath)
                : X509Certificate2.CreateFromPemFile(files.Path, files.KeyPath);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(files.Path);
            foreach (var c in all)
                if (!c.RawData.AsSpan().SequenceEqual(leaf.RawData)) chain.Add(c);
                else c.Dispose();
        }
        else
        {
            var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(files.Path, files.Password);
            leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? throw new InvalidOperationException($"the pfx {files.Path} holds no certificate with a private key");
            foreach (var c in all.Where(c => !ReferenceEquals(c, leaf))) chain.Add(c);
        }
        if (!leaf.HasPrivateKey) throw new InvalidOperationException($"the certificate {files.Path} came without its private key");
        var context = SslStreamCertificateContext.Create(leaf, chain, offline: true);
        var prints = new List<string> { Shared.Contracts.Tls.CertificatePins.Fingerprint(leaf) };
        prints.AddRange(chain.Select(Shared.Contracts.Tls.CertificatePins.Fingerprint));
        return new Loaded(leaf, context, prints, stamp);
    }

    private sealed record Loaded(X509Certificate2 Leaf, SslStreamCertificateContext Context, IReadOnlyList<string> Fingerprints, string Stamp);

    [LoggerMessage(1201, LogLevel.Information, "TLS: certificate {Path} changed; now serving SHA-256 {Fingerprint}")]
    private static partial void LogReloaded(ILogger logger, string path, string fingerprint);

    [LoggerMessage(1202, LogLevel.Warning, "TLS: certificate {Path} changed but cannot be read ({Reason}); still serving the previous one")]
    private static partial void LogReloadFailed(ILogger logger, string path, string reason);
}
