using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ccdsvm.Shared.Contracts.Tls;

/// <summary>
/// Trust by pinned SHA-256 fingerprint, the way an agent trusts its station: the station's certificate is accepted
/// when it is itself pinned, or when it is issued by a pinned certificate the station presented in its chain (the
/// station's own CA, so renewing the server certificate keeps every pin). Names and public trust do not matter; the
/// pin does. Fingerprints are written as Proxmox writes them: 32 upper-case hex pairs joined by colons.
/// </summary>
public static class CertificatePins
{
    /// <summary>The SHA-256 fingerprint of a certificate's DER encoding, AB:CD:… form.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Format(SHA256.HashData(certificate.RawData));
    }

    private static string Format(byte[] hash) => string.Join(':', hash.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// A fingerprint in canonical form, accepting upper or lower case, with or without colons or spaces and an optional
    /// "SHA256:" prefix; null with <paramref name="error"/> set when it is not a SHA-256 fingerprint.
    /// </summary>
    public static string? Normalize(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the fingerprint is empty: give the station's SHA-256 fingerprint, 64 hex digits (colons allowed), as shown in the console's enrolment dialog or printed by the station at start";
            return null;
        }
        string t = text.Trim();
        if (t.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) || t.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) t = t[7..];
        if (t.Length > 200)
        {
            error = $"the fingerprint is {t.Length} characters long; a SHA-256 fingerprint has 64 hex digits (95 characters with colons)";
            return null;
        }
        var hex = new string([.. t.Where(c => c is not (':' or ' ' or '-'))]);
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            error = $"'{t}' is not a SHA-256 fingerprint: expected 64 hex digits (colons allowed), as the station prints at start";
            return null;
        }
        return Format(Convert.FromHexString(hex));
    }

    /// <summary>Parses a comma-separated list of fingerprints; throws <see cref="FormatException"/> naming the bad one.</summary>
    public static IReadOnlyList<string> ParseList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var result = new List<string>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            result.Add(Normalize(part, out var error) ?? throw new FormatException(error));
        return result;
    }

    /// <summary>
    /// Whether the presented certificate is pinned or issued by a pinned certificate of its chain; otherwise false
    /// with a reason that names what was presented and what was pinned.
    /// </summary>
    public static bool Accepts(X509Certificate2 leaf, X509Chain? presented, IReadOnlyCollection<string> pins, out string reason) =>
        Accepts(leaf, presented, pins, [], out reason);

    /// <summary>
    /// As above, with pinned certificates known beforehand (<paramref name="anchors"/>: the station's CA fetched once and
    /// checked against its pin), since a TLS server does not send its self-signed root.
    /// </summary>
    public static bool Accepts(X509Certificate2 leaf, X509Chain? presented, IReadOnlyCollection<string> pins, IEnumerable<X509Certificate2> anchors, out string reason)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(pins);
        string leafPrint = Fingerprint(leaf);
        if (pins.Contains(leafPrint, StringComparer.Ordinal))
        {
            reason = "";
            return leaf.NotAfter.ToUniversalTime() > DateTime.UtcNow || Expired(leaf, out reason);
        }
        var anchor = anchors.Concat(Candidates(presented)).FirstOrDefault(c => pins.Contains(Fingerprint(c), StringComparer.Ordinal));
        if (anchor is not null) return IssuedBy(leaf, anchor, presented, out reason);
        reason = $"the station presented a certificate with SHA-256 fingerprint {leafPrint} ({leaf.Subject}, issued by {leaf.Issuer}), " +
                 $"which is neither pinned nor issued by a pinned certificate; pinned: {string.Join(", ", pins)}. " +
                 "If the station's certificate was replaced on purpose, start the agent again with --fingerprint <new fingerprint>.";
        return false;
    }

    private static bool Expired(X509Certificate2 leaf, out string reason)
    {
        reason = $"the station's pinned certificate {Fingerprint(leaf)} expired on {leaf.NotAfter.ToUniversalTime():u}";
        return false;
    }

    private static IEnumerable<X509Certificate2> Candidates(X509Chain? presented)
    {
        if (presented is null) yield break;
        foreach (var element in presented.ChainElements) yield return element.Certificate;
        foreach (var extra in presented.ChainPolicy.ExtraStore) yield return extra;
    }

    /// <summary>Builds the leaf's chain with the pinned certificate as the only root: a signature check, not a name match.</summary>
    private static bool IssuedBy(X509Certificate2 leaf, X509Certificate2 anchor, X509Chain? presented, out string reason)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
            foreach (var c in Candidates(presented)) chain.ChainPolicy.ExtraStore.Add(c);
        if (chain.Build(leaf) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(anchor.RawData))
        {
            reason = "";
            return true;
        }
        var problems = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
        reason = $"the station's certificate {Fingerprint(leaf)} ({leaf.Subject}) does not verify against the pinned certificate {Fingerprint(anchor)}: {string.Join("; ", problems)}";
        return false;
    }

    /// <summary>The first certificate of a PEM text whose fingerprint is pinned, or null.</summary>
    public static X509Certificate2? PinnedFromPem(string pem, IReadOnlyCollection<string> pins)
    {
        ArgumentNullException.ThrowIfNull(pins);
        if (string.IsNullOrWhiteSpace(pem) || pem.Length > 64 * 1024) return null;
        var all = new X509Certificate2Collection();
        try { all.ImportFromPem(pem); }
        catch (CryptographicException) { return null; }
        X509Certificate2? found = null;
        foreach (var c in all)
        {
            if (found is null && pins.Contains(Fingerprint(c), StringComparer.Ordinal)) found = c;
            else c.Dispose();
        }
        return found;
    }

    /// <summary>A TLS validation callback that trusts exactly the pins and reports a refusal once through <paramref name="refused"/>.</summary>
    public static RemoteCertificateValidationCallback Validator(IReadOnlyCollection<string> pins, Action<string>? refused = null) =>
        (_, certificate, chain, _) =>
        {
            if (certificate is null)
            {
                refused?.Invoke("the station presented no certificate");
                return false;
            }
            using var leaf = new X509Certificate2(certificate);
            if (Accepts(leaf, chain, pins, out var reason)) return true;
            refused?.Invoke(reason);
            return false;
        };
}
