namespace Ccdsvm.BurstLoad;

/// <summary>
/// A burst of mixed requests against a running station: <see cref="Concurrency"/> clients, each sending its next
/// request as soon as the last one was answered, for <see cref="Duration"/>; one more client polls <c>/healthz</c>.
/// </summary>
/// <param name="AdminPassword">The <c>admin</c> account's password (signed in before the burst starts).</param>
/// <param name="RequestTimeout">A request not answered within this counts as unanswered.</param>
/// <param name="HealthInterval">Pause between two health probes.</param>
public sealed record BurstOptions(Uri BaseUrl, string AdminPassword, int Concurrency, TimeSpan Duration)
{
    /// <summary>How the burst trusts an HTTPS station (a test's pinned CA); null: the host's trusted CAs.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback? Trust { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Accounts the wrong-password logins aim at (created before the burst).</summary>
    public int Victims { get; init; } = 8;

    /// <summary>How long each submitted <c>maintenance.hold</c> task holds its resource (it reports progress meanwhile).</summary>
    public int HoldSeconds { get; init; } = 1;
}
