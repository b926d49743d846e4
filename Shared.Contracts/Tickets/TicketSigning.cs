using System.Security.Cryptography;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tickets;

/// <summary>
/// ECDSA P-256 over the MessagePack bytes of a ticket, or over a manifest of a batch of tickets' hashes. The
/// station signs; units verify with the key they pinned.
/// </summary>
public static class TicketSigning
{
    /// <summary>The first bytes of a batch manifest; a ticket's own bytes (a MessagePack array) never start so.</summary>
    public static ReadOnlySpan<byte> BatchMagic => "CCDSVM ticket batch v1\n"u8;

    /// <summary>The most tickets one batch signature may cover (a manifest of 32 bytes each).</summary>
    public const int MaxBatch = 1024;

    private const int HashSize = 32;

    public static SignedTicket Sign(TaskTicket ticket, ECDsa stationKey)
    {
        byte[] payload = MessagePackSerializer.Serialize(ticket);
        return new SignedTicket(payload, stationKey.SignData(payload, HashAlgorithmName.SHA256));
    }

    /// <summary>
    /// Signs several tickets with one signature: a manifest of their SHA-256 hashes is signed, and every ticket
    /// carries it. One ticket alone is signed as by <see cref="Sign"/>.
    /// </summary>
    public static SignedTicket[] SignBatch(IReadOnlyList<TaskTicket> tickets, ECDsa stationKey)
    {
        if (tickets.Count > MaxBatch) throw new ArgumentException($"at most {MaxBatch} tickets share one signature", nameof(tickets));
        if (tickets.Count == 0) return [];
        if (tickets.Count == 1) return [Sign(tickets[0], stationKey)];
        var payloads = new byte[tickets.Count][];
        var manifest = new byte[BatchMagic.Length + HashSize * tickets.Count];
        BatchMagic.CopyTo(manifest);
        for (int i = 0; i < tickets.Count; i++)
        {
            payloads[i] = MessagePackSerializer.Serialize(tickets[i]);
            SHA256.HashData(payloads[i], manifest.AsSpan(BatchMagic.Length + HashSize * i, HashSize));
        }
        byte[] signature = stationKey.SignData(manifest, HashAlgorithmName.SHA256);
        var signed = new SignedTicket[tickets.Count];
        for (int i = 0; i < signed.Length; i++) signed[i] = new SignedTicket(payloads[i], signature, manifest);
        return signed;
    }

    /// <summary>Returns the ticket when the signature is the station's (alone or over a batch that lists it), otherwise null.</summary>
    public static TaskTicket? Open(SignedTicket ticket, ECDsa pinnedStationKey)
    {
        if (ticket.Payload is null || ticket.Signature is null) return null;
        if (ticket.Batch is { } batch)
        {
            if (!InBatch(ticket.Payload, batch)) return null;
            if (!pinnedStationKey.VerifyData(batch, ticket.Signature, HashAlgorithmName.SHA256)) return null;
        }
        else if (!pinnedStationKey.VerifyData(ticket.Payload, ticket.Signature, HashAlgorithmName.SHA256)) return null;
        try
        {
            return MessagePackSerializer.Deserialize<TaskTicket>(ticket.Payload);
        }
        catch (MessagePackSerializationException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="batch"/> is a well-formed manifest that lists the hash of <paramref name="payload"/>.</summary>
    private static bool InBatch(byte[] payload, byte[] batch)
    {
        var magic = BatchMagic;
        if (batch.Length <= magic.Length || !batch.AsSpan(0, magic.Length).SequenceEqual(magic)) return false;
        var hashes = batch.AsSpan(magic.Length);
        if (hashes.Length % HashSize != 0 || hashes.Length / HashSize > MaxBatch) return false;
        Span<byte> mine = stackalloc byte[HashSize];
        SHA256.HashData(payload, mine);
        for (int at = 0; at < hashes.Length; at += HashSize)
            if (hashes.Slice(at, HashSize).SequenceEqual(mine)) return true;
        return false;
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
