namespace Ccdsvm.Station.Core.Transfers;

/// <summary>The <c>Transfers</c> configuration section.</summary>
public sealed class TransferOptions
{
    public const string Section = "Transfers";

    /// <summary>
    /// How the destination reaches the source: "auto" tries the agents' data planes directly and falls back to
    /// the station's relay; "direct" never relays; "relay" always goes through the station.
    /// </summary>
    public string Route { get; set; } = "auto";

    /// <summary>
    /// Lifetime of a transfer ticket, in minutes: the destination must start the transfer (claim the ticket at the
    /// source) before it ends; the claimed transfer then goes on in its session for as long as it is active.
    /// </summary>
    public int TicketMinutes { get; set; } = 5;

    /// <summary>
    /// Whether units may announce loopback or station addresses as their data plane (agents on the station's own
    /// machine, tests). Off by default: only the co-hosted unit (<see cref="EmbeddedUnit"/>) may.
    /// </summary>
    public bool AllowLoopbackDataPlane { get; set; }

    /// <summary>Per unit, data-plane addresses (or prefixes such as 10.1.0.0/16) allowed besides the one its hub connection comes from.</summary>
    public Dictionary<string, List<string>> DataPlaneAddresses { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Per unit, the data-plane address units of other stations pull it at directly (README, "Layered stations"), when it
    /// differs from the one it announced here (a port forwarded through a firewall, say); unset, the announced one.
    /// </summary>
    public Dictionary<string, string> DirectUrls { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The unit the station co-hosts in its own process (set by the station at start, not configured).</summary>
    public string? EmbeddedUnit { get; set; }

    /// <summary>Largest file a browser may upload through the station, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    /// <summary>How long a file uploaded to the station (POST /api/v1/uploads) waits for the task that writes it.</summary>
    public int UploadMinutes { get; set; } = 60;

    public string? Problem() => Route is not ("auto" or "direct" or "relay")
        ? $"Transfers:Route '{Route}' must be auto, direct or relay"
        : TicketMinutes is < 1 or > 7 * 24 * 60 ? "Transfers:TicketMinutes must be between 1 and 10080"
        : UploadMinutes is < 1 or > 7 * 24 * 60 ? "Transfers:UploadMinutes must be between 1 and 10080"
        : MaxUploadBytes < 0 ? "Transfers:MaxUploadBytes must not be negative" : null;
}
