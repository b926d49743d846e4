using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>Asks the mid station through which a unit below is reached to serve a data-plane read of it (README, "Layered stations").</summary>
public interface IUnitDataLink
{
    /// <summary>Null when the mid station took the request (its answer comes to <see cref="DataRendezvous"/>), else why not.</summary>
    Task<string?> ServeAsync(string unitId, DataServeRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// A mid station's HTTP to the station above it, with the trust its uplink pinned (README, "Layered stations"): reads of
/// a unit this station does not know, for a task relayed from above, go up; answers to the station above's reads go up.
/// </summary>
public interface IUpstreamData
{
    /// <summary>The station above, or null when this station has no uplink.</summary>
    Uri? StationUrl { get; }

    Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

/// <summary>A station with no station above it.</summary>
public sealed class NoUpstreamData : IUpstreamData
{
    public Uri? StationUrl => null;

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("this station has no station above it");
}

/// <summary>
/// The transfer tickets of the station above for data.move tasks relayed from it (task id here → ticket there): a read of
/// a source this station does not know goes up with that ticket. Kept in memory; a relayed order that comes again after a
/// restart brings its ticket again.
/// </summary>
public sealed class UpstreamTransfers
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _tickets = new();

    public void Remember(long taskId, string ticket) => _tickets[taskId] = ticket;

    public void Forget(long taskId) => _tickets.TryRemove(taskId, out _);

    public string? TicketOf(long taskId) => _tickets.TryGetValue(taskId, out var t) ? t : null;
}
