using System.Security.Cryptography;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tickets;

/// <summary>ECDSA P-256 over the MessagePack bytes of a ticket. The station signs; units verify with the key they pinned.</summary>
public static class TicketSigning
{
    public static SignedTicket Sign(TaskTicket ticket, ECDsa stationKey)
    {
        byte[] payload = MessagePackSerializer.Serialize(ticket);
        return new SignedTicket(payload, stationKey.SignData(payload, HashAlgorithmName.SHA256));
    }

    /// <summary>Returns the ticket when the signature is the station's, otherwise null.</summary>
    public static TaskTicket? Open(SignedTicket signed, ECDsa pinnedStationKey)
    {
        if (signed.Payload is null || signed.Signature is null) return null;
        if (!pinnedStationKey.VerifyData(signed.Payload, signed.Signature, HashAlgorithmName.SHA256)) return null;
        try
        {
            return MessagePackSerializer.Deserialize<TaskTicket>(signed.Payload);
        }
        catch (MessagePackSerializationException)
        {
            return null;
        }
    }

    /// <summary>The public key as agents pin it (SubjectPublicKeyInfo, base64).</summary>
    public static string ExportPublicKey(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    public static ECDsa ImportPublicKey(string base64)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(base64), out _);
        return key;
    }
}
