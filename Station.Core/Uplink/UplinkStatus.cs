namespace Ccdsvm.Station.Core.Uplink;

/// <summary>
/// How this station's link to the station above it stands, for /healthz and the log: off (a top station), connecting,
/// connected, or refused (a wrong or used token, a certificate that is not the pinned one) with the reason. A refused
/// uplink leaves this station serving its own users and units.
/// </summary>
public sealed class UplinkStatus
{
    private Func<bool>? _connected;
    private volatile string? _refusal;

    /// <summary>The upper station's address, or null when this station has none.</summary>
    public string? UpstreamUrl { get; private set; }

    /// <summary>This station's unit name at the upper station.</summary>
    public string? Name { get; private set; }

    /// <summary>Why the upper station refused this station for good, or null.</summary>
    public string? Refusal => _refusal;

    public bool Configured => UpstreamUrl is not null;

    public bool Connected => _connected?.Invoke() == true;

    /// <summary>One word: off, connecting, connected or refused.</summary>
    public string State => !Configured ? "off" : _refusal is not null ? "refused" : Connected ? "connected" : "connecting";

    /// <summary>Set once at start by the uplink's host: where it connects and how to ask whether it is connected.</summary>
    public void Attach(string upstreamUrl, string name, Func<bool> connected)
    {
        UpstreamUrl = upstreamUrl;
        Name = name;
        _connected = connected;
    }

    public void Refused(string reason) => _refusal = reason;

    /// <summary>The sentence /healthz shows, or null without an uplink.</summary>
    public string? Describe() => State switch
    {
        "off" => null,
        "refused" => $"uplink to {UpstreamUrl} as '{Name}' refused: {Refusal}",
        "connected" => $"uplink to {UpstreamUrl} as '{Name}' connected",
        _ => $"uplink to {UpstreamUrl} as '{Name}' connecting",
    };
}
