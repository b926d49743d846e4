using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// Authorises one transfer on the agents' data plane: read <see cref="SourcePath"/> (and, for a tree, what
/// lies under it) on <see cref="SourceUnit"/>, write <see cref="DestinationPath"/> on
/// <see cref="DestinationUnit"/>, until <see cref="ExpiresAt"/>. <see cref="Size"/> is the largest number of
/// bytes an upload may write, or -1 when the station does not know it at issue (a move sized by its source).
/// <see cref="AllowDelete"/> lets the destination remove the source after verifying (data.move mode "move").
/// </summary>
public sealed record TransferTicket(
    long TaskId,
    string SourceUnit,
    string SourcePath,
    string DestinationUnit,
    string DestinationPath,
    long Size,
    bool AllowDelete,
    DateTimeOffset ExpiresAt)
{
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}

/// <summary>
/// Tickets travel as <c>base64url(json).base64url(signature)</c>: ECDSA P-256 (SHA-256) by the station's key,
/// verified by units against the key they pinned at enrolment, like task tickets.
/// </summary>
public static class TransferTicketSigning
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Encode(TransferTicket ticket, ECDsa stationKey)
    {
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(ticket, Json);
        string body = Base64Url(payload);
        return body + "." + Base64Url(stationKey.SignData(Encoding.ASCII.GetBytes(body), HashAlgorithmName.SHA256));
    }

    /// <summary>Returns the ticket when the signature is the station's; null for a forged, damaged or missing one.</summary>
    public static TransferTicket? Decode(string? token, ECDsa stationPublicKey)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 16 * 1024) return null;
        int dot = token.LastIndexOf('.');
        if (dot <= 0) return null;
        string body = token[..dot];
        try
        {
            byte[] signature = FromBase64Url(token[(dot + 1)..]);
            if (!stationPublicKey.VerifyData(Encoding.ASCII.GetBytes(body), signature, HashAlgorithmName.SHA256)) return null;
            return JsonSerializer.Deserialize<TransferTicket>(FromBase64Url(body), Json);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or CryptographicException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        string b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
    }
}

/// <summary>Routes and headers of the agents' data plane and of the station's relay.</summary>
public static class DataPlaneRoutes
{
    public const string TicketHeader = "X-Ccdsvm-Ticket";
    public const string Sha256Header = "X-Ccdsvm-Sha256";

    /// <summary>GET ?path= → <see cref="DataEntry"/> of the path itself.</summary>
    public const string Stat = "/data/v1/stat";
    /// <summary>GET ?path= → every entry under a directory, not following links.</summary>
    public const string Tree = "/data/v1/tree";
    /// <summary>GET ?path= (Range for resume) streams a file; PUT ?path=&amp;overwrite= writes one; DELETE removes the source.</summary>
    public const string File = "/data/v1/file";
    /// <summary>GET ?name=&amp;path= → a file (Range allowed) or a directory listing of a service the unit publishes; read-only.</summary>
    public const string Service = "/data/v1/service";
    /// <summary>A transfer ticket whose destination is <c>service:{name}</c> grants reading that published service.</summary>
    public const string ServicePrefix = "service:";
    /// <summary>GET ?path= → <see cref="DataHash"/>.</summary>
    public const string Hash = "/data/v1/hash";

    /// <summary>The station forwards <c>/relay/v1/units/{unit}/data/v1/…</c> to that unit's data plane.</summary>
    public const string RelayPrefix = "/relay/v1/units";

    /// <summary>
    /// The station's own source of files users uploaded (<c>POST /api/v1/uploads</c>): <c>{prefix}/data/v1/file?path={uploadId}</c>
    /// answers GET (with Range) and DELETE like a unit's data plane, for a ticket whose source is <see cref="UploadsSource"/>.
    /// </summary>
    public const string UploadsPrefix = "/relay/v1/uploads";

    /// <summary>The source "unit" of an upload ticket; '@' keeps it apart from every unit name.</summary>
    public const string UploadsSource = "@uploads";

    /// <summary>Files up to this size are hashed by the source before sending, and the hash comes in <see cref="Sha256Header"/>.</summary>
    public const long InlineHashLimit = 4L * 1024 * 1024;
}

/// <summary>One file, directory or symbolic link on the data plane. Path is relative to the listed root ("" for the root); MtimeTicks are UTC DateTime ticks.</summary>
public sealed record DataEntry(string Path, string Type, long Size, int Mode, long MtimeTicks, string? LinkTarget)
{
    public const string FileType = "file";
    public const string DirectoryType = "directory";
    public const string LinkType = "link";
}

public sealed record DataHash(string Path, long Size, string Sha256);
