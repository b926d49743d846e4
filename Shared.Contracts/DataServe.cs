using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// A data-plane read of a unit below a mid station, asked of that station's uplink (README, "Layered stations",
/// <see cref="IAgentClient.ServeData"/>): GET <see cref="PathAndQuery"/> (a <see cref="DataPlaneRoutes"/> route with its
/// query) of unit <see cref="Unit"/>, for the transfer <see cref="Ticket"/> the asking station signed, which also names,
/// signed, the user the read is for there (<see cref="TransferTicket.User"/>). The mid station answers by a PUT to <see cref="DataPlaneRoutes.AnswersPrefix"/>/<see cref="Id"/>
/// on the asking station: the mid connects out, so the bytes go up over a connection it opens.
/// </summary>
[MessagePackObject(true)]
public sealed record DataServeRequest(string Id, string Unit, string PathAndQuery, string Ticket, string? Range = null, string? Session = null)
{
    /// <summary>Longest route with its query a mid station serves.</summary>
    public const int MaxPathAndQuery = 8192;

    /// <summary>Why the request cannot be served as it is (a value missing, too long, not a data-plane read), or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Id) || Id.Length > 64) return "the request has no answer id";
        if (string.IsNullOrWhiteSpace(Unit) || Unit.Length > 200) return "the request names no unit";
        if (string.IsNullOrEmpty(Ticket)) return "the request carries no transfer ticket";
        if (string.IsNullOrEmpty(PathAndQuery) || PathAndQuery.Length > MaxPathAndQuery) return "the request names no data-plane route, or one too long";
        if (!PathAndQuery.StartsWith("/data/v1/", StringComparison.Ordinal) || PathAndQuery.Contains("..", StringComparison.Ordinal))
            return $"'{(PathAndQuery.Length > 80 ? PathAndQuery[..80] + "…" : PathAndQuery)}' is not a data-plane read";
        return null;
    }
}
