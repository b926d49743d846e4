using System.Net;
using System.Net.Sockets;
using Ccdsvm.Unit.Agent;
using Ccdsvm.Unit.Agent.Connection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests.Connection;

/// <summary>
/// The pinned CA is fetched from the station's /ca.crt before a connection. A station that cannot be read now (down,
/// or too slow on a loaded machine) is a network hiccup the caller retries; before, the fetch gave up silently, the
/// handshake then refused the station's certificate, and an enrolling agent took that as final and exited (seen in CI).
/// </summary>
public sealed class StationTrustTests : IDisposable
{
    private readonly TempDir _state = new("trust");

    [Fact]
    public async Task An_unreachable_station_is_a_retryable_failure_naming_its_ca_address_not_a_refusal()
    {
        int port = ClosedPort();
        using var trust = Trust();
        var station = new Uri($"https://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => trust.PrepareAsync(station, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains($"could not read the station's CA certificate from https://127.0.0.1:{port}/ca.crt", error.Message, StringComparison.Ordinal);
        Assert.Null(trust.LastRefusal);
        Assert.False(File.Exists(Path.Combine(_state.Path, StationTrust.AnchorFile)));
    }

    [Fact]
    public async Task A_cancelled_attempt_stays_a_cancellation()
    {
        using var trust = Trust();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trust.PrepareAsync(new Uri($"https://127.0.0.1:{ClosedPort()}"), cancelled.Token))
            .WaitAsync(TimeSpan.FromSeconds(30));
    }

    private StationTrust Trust() => new(Options.Create(new AgentOptions
    {
        StationFingerprint = string.Join(':', Enumerable.Repeat("AB", 32)),
        StateDirectory = _state.Path,
    }), NullLogger<StationTrust>.Instance);

    /// <summary>A port nothing listens on: bound, read, released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _state.Dispose();
}
