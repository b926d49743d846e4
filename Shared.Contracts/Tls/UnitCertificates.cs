using System.Security.Cryptography.X509Certificates;

namespace Ccdsvm.Shared.Contracts.Tls;

/// <summary>
/// The certificates a station's CA issues for its data plane, and how both ends check them: each enrolled unit holds a
/// short-lived certificate naming it (<c>{unit}.units.ccdsvm</c>), asked for over its authenticated hub connection and
/// renewed at half its life; the station's relay holds one naming <see cref="RelayName"/>. A unit's data plane serves
/// transfers only over TLS to a peer holding one of them (or, for a copy across stations, one that the CA named in a
/// ticket of its own station issued to the ticket's destination: <see cref="TransferTicket.PeerCa"/>), and a unit reading
/// from another checks that the certificate it is shown names the unit it meant to reach.
/// </summary>
public static class UnitCertificates
{
    /// <summary>The DNS suffix of unit names in unit certificates.</summary>
    public const string Domain = "units.ccdsvm";

    /// <summary>The name in the station relay's client certificate.</summary>
    public const string RelayName = "relay.station.ccdsvm";

    /// <summary>The longest certificate signing request the station reads (a P-256 request is about 500 characters).</summary>
    public const int MaxRequestLength = 8 * 1024;

    public static string DnsName(string unit) => $"{unit}.{Domain}";

    /// <summary>The unit a certificate names, or null when it is no unit certificate.</summary>
    public static string? UnitOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (var name in DnsNames(certificate))
            if (name.EndsWith("." + Domain, StringComparison.OrdinalIgnoreCase) && name.Length > Domain.Length + 1)
                return name[..^(Domain.Length + 1)];
        return null;
    }

    public static bool IsRelay(X509Certificate2 certificate) =>
        DnsNames(certificate).Contains(RelayName, StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<string> DnsNames(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames());

    /// <summary>
    /// Whether <paramref name="presented"/> was issued by <paramref name="ca"/> and is valid now; and, when
    /// <paramref name="expectedUnit"/> is given, names that unit (or, with <paramref name="allowRelay"/>, the relay).
    /// Else <paramref name="reason"/> says what is wrong, for the log and the refusal.
    /// </summary>
    public static bool Verify(X509Certificate2? presented, X509Certificate2 ca, string? expectedUnit, bool allowRelay, out string reason)
    {
        ArgumentNullException.ThrowIfNull(ca);
        if (presented is null)
        {
            reason = "no certificate was presented; only units enrolled with this station (and its relay) may use the data plane";
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (!chain.Build(presented) || !chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData))
        {
            var problems = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
            reason = $"the certificate {presented.Subject} (SHA-256 {CertificatePins.Fingerprint(presented)}) was not issued by this station's CA " +
                     $"or is not valid now: {string.Join("; ", problems)}";
            return false;
        }
        string? unit = UnitOf(presented);
        bool relay = IsRelay(presented);
        if (unit is null && !relay)
        {
            reason = $"the certificate {presented.Subject} names no unit of this station";
            return false;
        }
        if (expectedUnit is not null && !string.Equals(unit, expectedUnit, StringComparison.Ordinal) && !(allowRelay && relay))
        {
            reason = $"the certificate names {(relay ? "the station's relay" : $"unit '{unit}'")}, not unit '{expectedUnit}'";
            return false;
        }
        reason = "";
        return true;
    }

    /// <summary>The certificates of a PEM text (a unit's chain: its own first, then the CA).</summary>
    public static X509Certificate2[] ReadChain(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection];
    }
}
