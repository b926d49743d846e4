using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// Authorises one transfer on the agents' data plane: read <see cref="SourcePath"/> (and, for a tree, what
/// lies under it) on <see cref="SourceUnit"/>, write <see cref="DestinationPath"/> on
/// <see cref="DestinationUnit"/>, until <see cref="ExpiresAt"/>. <see cref="Size"/> is the largest number of
/// bytes an upload may write, or -1 when the station does not know it at issue (a move sized by its source).
/// <see cref="AllowDelete"/> marks a data.move of mode "move": the source may be deleted, but only with a separate
/// <see cref="SourceDeletion"/> the station signs once the destination reported the verified hash.
/// <see cref="Id"/> makes the ticket single-use: the source unit claims it on first use (see <see cref="DataPlaneRoutes.SessionHeader"/>).
/// <see cref="User"/> names, signed, whom a read asked of a mid station below is for (<see cref="DataServeRequest"/>); null otherwise.
/// <see cref="PeerCa"/> (base64 DER) is the certificate authority of the destination's own station when the destination is a
/// unit of another station pulling directly (<see cref="DirectSource"/>): the source then serves a peer whose certificate that
/// CA issued to <see cref="DestinationUnit"/>; null for a destination of the source's own station.
/// </summary>
public sealed record TransferTicket(
    long TaskId,
    string SourceUnit,
    string SourcePath,
    string DestinationUnit,
    string DestinationPath,
    long Size,
    bool AllowDelete,
    DateTimeOffset ExpiresAt,
    string? Id = null,
    string? User = null,
    string? PeerCa = null)
{
    /// <summary>A fresh random ticket id (128 bits, base64url).</summary>
    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Expired by the checking unit's clock, allowing <see cref="Tickets.ClockTolerance.Max"/> of clock difference.</summary>
    public bool IsExpired(DateTimeOffset now) => Tickets.ClockTolerance.Expired(ExpiresAt, now);
}

/// <summary>
/// Tickets travel as <c>base64url(json).base64url(signature)</c>: ECDSA P-256 (SHA-256) by the station's key,
/// verified by units against the key they pinned at enrolment, like task tickets.
/// </summary>
public static class TransferTicketSigning
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Signed before a deletion's body, so a deletion never opens as a ticket nor a ticket as a deletion.</summary>
    private const string DeletionDomain = "CCDSVM source deletion v1\n";

    public static string Encode(TransferTicket ticket, ECDsa stationKey) => Sign(ticket, stationKey, "");

    /// <summary>Returns the ticket when the signature is the station's; null for a forged, damaged or missing one.</summary>
    public static TransferTicket? Decode(string? token, ECDsa stationPublicKey) => Open<TransferTicket>(token, stationPublicKey, "");

    public static string EncodeDeletion(SourceDeletion deletion, ECDsa stationKey) => Sign(deletion, stationKey, DeletionDomain);

    public static SourceDeletion? DecodeDeletion(string? token, ECDsa stationPublicKey) => Open<SourceDeletion>(token, stationPublicKey, DeletionDomain);

    private static string Sign<T>(T value, ECDsa key, string domain)
    {
        string body = Base64Url(JsonSerializer.SerializeToUtf8Bytes(value, Json));
        return body + "." + Base64Url(key.SignData(Encoding.ASCII.GetBytes(domain + body), HashAlgorithmName.SHA256));
    }

    private static T? Open<T>(string? token, ECDsa stationPublicKey, string domain) where T : class
    {
        if (string.IsNullOrEmpty(token) || token.Length > 16 * 1024) return null;
        int dot = token.LastIndexOf('.');
        if (dot <= 0) return null;
        string body = token[..dot];
        try
        {
            byte[] signature = FromBase64Url(token[(dot + 1)..]);
            if (!stationPublicKey.VerifyData(Encoding.ASCII.GetBytes(domain + body), signature, HashAlgorithmName.SHA256)) return null;
            return JsonSerializer.Deserialize<T>(FromBase64Url(body), Json);
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

    /// <summary>
    /// The source unit answers the first use of a ticket with a session secret in this header; every later request
    /// of the same transfer carries it beside the ticket. The ticket alone is refused once used.
    /// </summary>
    public const string SessionHeader = "X-Ccdsvm-Session";

    /// <summary>A DELETE of a move's source carries the station's signed <see cref="SourceDeletion"/> here.</summary>
    public const string DeletionHeader = "X-Ccdsvm-Delete";

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
    /// <summary>
    /// GET ?path= → <see cref="DataPartial"/>: how much of an interrupted resumable upload (PUT ?resumable=true) to that very
    /// path the unit kept under its hidden temporary name; a PUT with ?offset= then sends only the rest.
    /// </summary>
    public const string Partial = "/data/v1/partial";

    /// <summary>
    /// GET ?path=&amp;skip= → every file of the tree at path of at most <see cref="BundleFileLimit"/> bytes, in the order of
    /// <see cref="Tree"/>, skipping the first <c>skip</c> of them, in one stream: per file its relative path, size, mtime,
    /// mode, bytes and the SHA-256 the source read. Trees of many small files move in one request instead of one per file.
    /// </summary>
    public const string Bundle = "/data/v1/bundle";

    /// <summary>
    /// GET ?path=&amp;peerCa= → <see cref="DirectSource"/>, answered by the station the source unit is connected to, not by
    /// the unit: a copy's destination under another station asks it through its relay for the way to pull directly.
    /// </summary>
    public const string Direct = "/data/v1/direct";

    /// <summary>Files up to this size travel in a <see cref="Bundle"/>; larger ones one by one (ranged, resumable).</summary>
    public const long BundleFileLimit = 1024 * 1024;

    /// <summary>The station forwards <c>/relay/v1/units/{unit}/data/v1/…</c> to that unit's data plane.</summary>
    public const string RelayPrefix = "/relay/v1/units";

    /// <summary>
    /// A mid station PUTs here (<c>{prefix}/{id}</c>) the answer to a <see cref="DataServeRequest"/>: the unit's status in
    /// <see cref="AnswerStatusHeader"/>, its headers as they were, its body as the request's body.
    /// </summary>
    public const string AnswersPrefix = "/relay/v1/answers";

    /// <summary>The status a unit below answered a served read with (see <see cref="AnswersPrefix"/>).</summary>
    public const string AnswerStatusHeader = "X-Ccdsvm-Answer-Status";

    /// <summary>The destination "unit" of a ticket for a browser's download: the file goes to the person, not to a unit.</summary>
    public const string BrowserDestination = "browser";

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

/// <summary>
/// The part of an interrupted upload a unit kept for <see cref="Path"/>: <see cref="Offset"/> bytes flushed to disk of a
/// file of <see cref="Size"/> bytes (both 0 when there is none); <see cref="Receiving"/> while an upload to it still runs.
/// </summary>
public sealed record DataPartial(string Path, long Offset, long Size, bool Receiving);

/// <summary>
/// The station's leave to delete a move's source, signed once the destination reported what it verified: the
/// source deletes only when its file (or tree) still is exactly that — type, size, mtime and SHA-256 (for a tree,
/// <see cref="TreeDigest"/> of its listing) — and the request comes in the session of ticket <see cref="TicketId"/>.
/// </summary>
public sealed record SourceDeletion(
    string TicketId,
    long TaskId,
    string SourceUnit,
    string SourcePath,
    string Type,
    long Size,
    long MtimeTicks,
    string Sha256,
    DateTimeOffset ExpiresAt)
{
    /// <summary>SHA-256 over a tree listing (path, type, size, mode, mtime, link of every entry, in listing order).</summary>
    public static string TreeDigest(IEnumerable<DataEntry> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in entries)
            hash.AppendData(Encoding.UTF8.GetBytes($"{e.Path}\0{e.Type}\0{e.Size}\0{e.Mode}\0{e.MtimeTicks}\0{e.LinkTarget}\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
