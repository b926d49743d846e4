namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// How a copy's destination under another station may pull straight from the source unit (README, "Layered stations"),
/// given by the station the source is connected to, after every station on the way decided for the user as for a read
/// (<see cref="DataPlaneRoutes.Direct"/>): <see cref="Ticket"/>, a transfer ticket that station signed for the source unit
/// (its <see cref="TransferTicket.PeerCa"/> names the destination's station CA), the source's data-plane address
/// <see cref="SourceUrl"/>, and <see cref="Ca"/> (PEM), the CA of the source's station, the only one whose certificate
/// for the source unit the destination accepts there (null when that data plane is plain http, test rigs only).
/// </summary>
public sealed record DirectSource(string Ticket, string SourceUrl, string? Ca)
{
    /// <summary>The longest CA (base64 DER) a destination may name in <c>peerCa</c>.</summary>
    public const int MaxPeerCa = 4096;

    /// <summary>A CA certificate (DER) as the <c>peerCa</c> query value and <see cref="TransferTicket.PeerCa"/> carry it: base64url.</summary>
    public static string EncodeCa(byte[] der) => Convert.ToBase64String(der).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The CA certificate of <see cref="EncodeCa"/>, or null when <paramref name="text"/> is none.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2? DecodeCa(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxPeerCa) return null;
        try
        {
            string b64 = text.Replace('-', '+').Replace('_', '/');
            return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(
                Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Why the offer cannot be used (a value missing or not a plain http(s) address), or null.</summary>
    public string? Problem() =>
        string.IsNullOrEmpty(Ticket) ? "the offer carries no ticket"
        : !Uri.TryCreate(SourceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ? $"the offer's source address '{SourceUrl}' is not an http(s) address"
        : uri.Scheme == "https" && string.IsNullOrEmpty(Ca) ? "the offer names an https source but no CA to check it by"
        : null;
}
