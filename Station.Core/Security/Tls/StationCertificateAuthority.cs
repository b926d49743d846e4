using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ccdsvm.Station.Core.Security.Tls;

/// <summary>
/// The station's own certificate authority in <c>{DataDirectory}/tls</c> (ca.crt, ca.key, server.crt, server.key, all
/// 0600): made on first start, ECDSA P-256. It issues the station's server certificate (the host's names and addresses
/// plus Station:Tls:Names), again whenever it nears its end or its names no longer cover the host. Agents pin the CA's
/// fingerprint, so a renewed server certificate keeps every pin.
/// </summary>
public sealed class StationCertificateAuthority
{
    public const string CaCertificateFile = "ca.crt";
    public const string CaKeyFile = "ca.key";
    public const string ServerCertificateFile = "server.crt";
    public const string ServerKeyFile = "server.key";
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private StationCertificateAuthority(string directory, X509Certificate2 ca, bool created)
    {
        Directory = directory;
        Certificate = ca;
        Created = created;
    }

    public string Directory { get; }

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Whether this start made the CA (the first start on this data directory).</summary>
    public bool Created { get; }

    public string Fingerprint => Shared.Contracts.Tls.CertificatePins.Fingerprint(Certificate);

    public string ServerCertificatePath => Path.Combine(Directory, ServerCertificateFile);

    public string ServerKeyPath => Path.Combine(Directory, ServerKeyFile);

    public static string TlsDirectory(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "tls");

    /// <summary>Loads the CA from the data directory, or makes one; then makes sure a current server certificate is there.</summary>
    public static StationCertificateAuthority LoadOrCreate(string dataDirectory, TlsOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        string directory = TlsDirectory(dataDirectory);
        PemFiles.CreateDirectory(directory);
        string certPath = Path.Combine(directory, CaCertificateFile), keyPath = Path.Combine(directory, CaKeyFile);
        bool created = false;
        X509Certificate2 ca;
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            try { ca = X509Certificate2.CreateFromPemFile(certPath, keyPath); }
            catch (CryptographicException ex)
            {
                throw new InvalidOperationException($"the station's CA in {directory} cannot be read ({ex.Message}); restore {CaCertificateFile} and {CaKeyFile} from a backup, or move the directory away to make a new CA (every agent must then be given the new fingerprint)", ex);
            }
        }
        else
        {
            ca = NewCa(time.GetUtcNow());
            PemFiles.Write(keyPath, ca.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            PemFiles.Write(certPath, ca.ExportCertificatePem() + "\n");
            created = true;
        }
        var authority = new StationCertificateAuthority(directory, ca, created);
        authority.EnsureServerCertificate(options, time);
        return authority;
    }

    private static X509Certificate2 NewCa(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=CCDSVM station CA ({Dns.GetHostName()}), O=CCDSVM", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
    }

    /// <summary>Issues the server certificate again when it is missing, unreadable, near its end or lacks a name the host now has.</summary>
    public void EnsureServerCertificate(TlsOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var names = HostNames(options.Names);
        var now = time.GetUtcNow();
        if (File.Exists(ServerCertificatePath) && File.Exists(ServerKeyPath))
        {
            try
            {
                using var existing = X509Certificate2.CreateFromPemFile(ServerCertificatePath, ServerKeyPath);
                bool current = existing.NotAfter.ToUniversalTime() - now.UtcDateTime > RenewBefore && existing.Issuer == Certificate.Subject;
                var covered = SubjectNames(existing);
                if (current && names.All(covered.Contains)) return;
            }
            catch (CryptographicException) { }
        }
        using var server = IssueServer(names, now, Math.Clamp(options.ServerCertificateDays, 31, 3650));
        PemFiles.Write(ServerKeyPath, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        PemFiles.Write(ServerCertificatePath, server.ExportCertificatePem() + "\n" + Certificate.ExportCertificatePem() + "\n");
    }

    private X509Certificate2 IssueServer(IReadOnlyCollection<string> names, DateTimeOffset now, int days)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Dns.GetHostName()}, O=CCDSVM station", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        using var made = request.Create(Certificate, now.AddDays(-1), now.AddDays(days), RandomNumberGenerator.GetBytes(16));
        return made.CopyWithPrivateKey(key);
    }

    /// <summary>localhost, the host's names and every address of its up interfaces, plus the configured names.</summary>
    public static IReadOnlyCollection<string> HostNames(IEnumerable<string> configured)
    {
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "::1" };
        string host = Dns.GetHostName();
        if (!string.IsNullOrWhiteSpace(host)) names.Add(host);
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces().Where(n => n.OperationalStatus == OperationalStatus.Up))
            foreach (var address in nic.GetIPProperties().UnicastAddresses.Select(a => a.Address))
                if (address.AddressFamily == AddressFamily.InterNetwork || (address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal))
                    names.Add(address.ToString());
        foreach (var name in configured.Select(n => n.Trim()).Where(n => n.Length is > 0 and <= 253)) names.Add(name);
        return names;
    }

    private static HashSet<string> SubjectNames(X509Certificate2 certificate)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var ext in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            foreach (var dns in ext.EnumerateDnsNames()) result.Add(dns);
            foreach (var ip in ext.EnumerateIPAddresses()) result.Add(ip.ToString());
        }
        return result;
    }
}
