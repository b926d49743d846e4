namespace Ccdsvm.Station.Core.Security.Tls;

/// <summary>The <c>Station:Tls</c> section: what the station's own server certificate names.</summary>
public sealed class TlsOptions
{
    public const string Section = "Station:Tls";

    /// <summary>Extra DNS names or IP addresses for the self-made server certificate, on top of the host's own names and addresses.</summary>
    public List<string> Names { get; set; } = [];

    /// <summary>Days the self-made server certificate is valid; it is issued again at start when fewer than 30 remain. Default 397.</summary>
    public int ServerCertificateDays { get; set; } = 397;

    /// <summary>Hours a unit's data-plane certificate is valid (1 to 720); the agent renews it at half its life. Default 24.</summary>
    public int UnitCertificateHours { get; set; } = 24;
}
