using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tickets;

/// <summary>
/// What the station vouches for when it dispatches a task: who, which task, what kind, on which unit,
/// which resources, and until when. Signed by the station; verified again by the unit.
/// <see cref="ParametersSha256"/> binds the order's parameters (hex SHA-256 of their JSON) to the ticket.
/// </summary>
[MessagePackObject]
public sealed record TaskTicket(
    [property: Key(0)] string User,
    [property: Key(1)] IReadOnlyList<string> Groups,
    [property: Key(2)] long TaskId,
    [property: Key(3)] string Kind,
    [property: Key(4)] string Target,
    [property: Key(5)] IReadOnlyList<string> Resources,
    [property: Key(6)] DateTimeOffset IssuedAt,
    [property: Key(7)] DateTimeOffset ExpiresAt,
    [property: Key(8)] string Nonce,
    [property: Key(9)] string? ParametersSha256 = null)
{
    public static string HashParameters(string parametersJson) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(parametersJson)));
}

/// <summary>A ticket as it travels: the exact bytes that were signed, and the signature over them.</summary>
[MessagePackObject]
public sealed record SignedTicket(
    [property: Key(0)] byte[] Payload,
    [property: Key(1)] byte[] Signature);
