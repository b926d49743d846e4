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

/// <summary>
/// A ticket as it travels: the ticket's bytes and the station's signature. Signed alone, the signature is over
/// <see cref="Payload"/>. Signed in a batch (the tickets of one group commit share one signature), the signature
/// is over <see cref="Batch"/>, a manifest that starts with <see cref="TicketSigning.BatchMagic"/> and lists the
/// SHA-256 of every ticket of the batch; the ticket is genuine when its payload's hash is on that list.
/// </summary>
[MessagePackObject]
public sealed record SignedTicket(
    [property: Key(0)] byte[] Payload,
    [property: Key(1)] byte[] Signature,
    [property: Key(2)] byte[]? Batch = null);
