using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;

namespace Ccdsvm.Unit.Agent.Enrolment;

/// <summary>
/// The unit's identity once obtained, shared by the station connection (credential), the order guard and
/// the data plane (the pinned station key). Until then nothing that needs the key is accepted.
/// </summary>
public sealed class AgentCredentials(IAgentEnrolment enrolment)
{
    private readonly object _gate = new();
    private volatile AgentIdentity? _current;
    private ECDsa? _transferKey;

    public AgentIdentity? Current => _current;

    public IAgentEnrolment Enrolment => enrolment;

    public async Task<AgentIdentity> ObtainAsync(CancellationToken ct)
    {
        if (_current is { } known) return known;
        var identity = await enrolment.ObtainAsync(ct).ConfigureAwait(false);
        lock (_gate)
        {
            _current = identity;
            _transferKey?.Dispose();
            _transferKey = TicketSigning.ImportPublicKey(identity.StationPublicKey);
        }
        return identity;
    }

    /// <summary>A fresh instance of the pinned station key (ECDsa objects are not shared between threads), or null before enrolment.</summary>
    public ECDsa? NewStationKey() => _current is { } c ? TicketSigning.ImportPublicKey(c.StationPublicKey) : null;

    /// <summary>Opens a transfer ticket with the pinned key; null when it is not the station's or the unit is not enrolled yet.</summary>
    public TransferTicket? OpenTransferTicket(string? token)
    {
        lock (_gate) return _transferKey is null ? null : TransferTicketSigning.Decode(token, _transferKey);
    }

    /// <summary>Opens the station's signed leave to delete a move's source; null when it is not the station's.</summary>
    public SourceDeletion? OpenSourceDeletion(string? token)
    {
        lock (_gate) return _transferKey is null ? null : TransferTicketSigning.DecodeDeletion(token, _transferKey);
    }
}
