using System.Net;
using System.Net.Security;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Security.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Ccdsvm.Console.Blazor.Tls;

/// <summary>What the station serves: HTTPS with its own or the operator's certificate, and plain HTTP only when allowed.</summary>
public sealed record StationTlsState(
    bool Https,
    bool InsecureHttp,
    bool OperatorCertificate,
    string? Fingerprint,
    IReadOnlyList<string> ServedChain,
    string? CaPem);

/// <summary>
/// HTTPS by default. On first start the station makes its CA and server certificate in {DataDirectory}/tls and serves
/// them; <c>Kestrel:Certificates:Default</c> (PEM Path + KeyPath, or a pfx Path + Password) serves an operator's
/// certificate instead. Either is read again when its files change. An http:// address is refused unless
/// <c>Station:AllowInsecureHttp=true</c>, which is said loudly in the log and on every console page.
/// </summary>
public static class StationTlsExtensions
{
    public const string DefaultUrl = "https://127.0.0.1:5080";

    /// <summary>Binds the configured addresses; returns a message a person can act on when the configuration cannot be served.</summary>
    public static string? AddStationTls(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        bool allowHttp = config.GetValue($"{StationOptions.Section}:AllowInsecureHttp", false);
        var endpoints = new List<Uri>();
        foreach (var url in (config["urls"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                return $"the station address '{url}' is not an http(s) address such as {DefaultUrl}";
            if (uri.Scheme == "http" && !allowHttp)
                return $"the station address '{url}' is plain HTTP: use https:// (the station makes its own certificate), or set Station:AllowInsecureHttp=true to serve it unencrypted";
            endpoints.Add(uri);
        }
        bool https = endpoints.Any(e => e.Scheme == "https");
        StationCertificateAuthority ca;
        ServerCertificateSource? source = null;
        CertificateFiles? operatorFiles;
        try
        {
            string dataDirectory = config[$"{StationOptions.Section}:{nameof(StationOptions.DataDirectory)}"] ?? "data";
            var tls = config.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new TlsOptions();
            // The CA exists whether or not HTTPS is served: it is the station's identity for units.
            ca = StationCertificateAuthority.LoadOrCreate(dataDirectory, tls, TimeProvider.System);
            operatorFiles = OperatorCertificate(config);
            if (https)
            {
                var files = operatorFiles ?? new CertificateFiles(ca.ServerCertificatePath, ca.ServerKeyPath, null, false);
                using var loggers = LoggerFactory.Create(l => l.AddConsole());
                source = new ServerCertificateSource(files, loggers.CreateLogger<ServerCertificateSource>());
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"the station cannot serve HTTPS: {ex.Message}";
        }

        var state = new StationTlsState(https, endpoints.Any(e => e.Scheme == "http"), operatorFiles is not null,
            source is null ? null : (operatorFiles is null ? ca.Fingerprint : source.ChainFingerprints[0]),
            source?.ChainFingerprints ?? [], ca.Certificate.ExportCertificatePem());
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(ca);
        if (source is not null) builder.Services.AddSingleton(source);
        builder.WebHost.ConfigureKestrel(k =>
        {
            foreach (var endpoint in endpoints) Listen(k, endpoint, source);
        });
        if (state.OperatorCertificate && !state.InsecureHttp) builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(180);
            o.ExcludedHosts.Clear();
        });
        return null;
    }

    private static CertificateFiles? OperatorCertificate(ConfigurationManager config)
    {
        var section = config.GetSection("Kestrel:Certificates:Default");
        string? path = section["Path"];
        if (string.IsNullOrWhiteSpace(path)) return null;
        return new CertificateFiles(Path.GetFullPath(path), section["KeyPath"] is { Length: > 0 } key ? Path.GetFullPath(key) : null, section["Password"], true);
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions k, Uri endpoint, ServerCertificateSource? source)
    {
        void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
        {
            if (endpoint.Scheme != "https" || source is null) return;
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = source.Context }),
            });
        }
        string host = endpoint.Host.Trim('[', ']');
        if (host == "localhost") k.ListenLocalhost(endpoint.Port, Configure);
        else if (host is "0.0.0.0" or "::") k.ListenAnyIP(endpoint.Port, Configure);
        else if (IPAddress.TryParse(host, out var ip)) k.Listen(ip, endpoint.Port, Configure);
        else k.ListenAnyIP(endpoint.Port, Configure);
    }

    /// <summary>Says once at start what is served, with the fingerprint to pin, or warns loudly of plain HTTP; HSTS with an operator's certificate.</summary>
    public static void UseStationTls(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<StationTlsState>();
        var ca = app.Services.GetRequiredService<StationCertificateAuthority>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ccdsvm.Station.Tls");
        if (ca.Created) StationTlsLog.CaCreated(logger, ca.Directory);
        if (state.Https)
            StationTlsLog.Serving(logger, state.OperatorCertificate ? "the operator's certificate" : "its own certificate", state.Fingerprint!, string.Join(", ", state.ServedChain));
        if (state.InsecureHttp) StationTlsLog.Insecure(logger);
        if (state.OperatorCertificate && !state.InsecureHttp) app.UseHsts();
    }
}

internal static partial class StationTlsLog
{
    [LoggerMessage(1220, LogLevel.Warning, "TLS: first start on this data directory: made the station's certificate authority and server certificate in {Directory}")]
    public static partial void CaCreated(ILogger logger, string directory);

    [LoggerMessage(1221, LogLevel.Warning, "TLS: serving HTTPS with {Which}. Fingerprint for agents to pin (--fingerprint): SHA256 {Fingerprint}  (served chain: {Chain})")]
    public static partial void Serving(ILogger logger, string which, string fingerprint, string chain);

    [LoggerMessage(1222, LogLevel.Warning, "INSECURE: the station serves plain HTTP (Station:AllowInsecureHttp=true). Passwords, session cookies, enrolment tokens and agent credentials cross the network unencrypted. Use it only on a closed lab network.")]
    public static partial void Insecure(ILogger logger);
}
