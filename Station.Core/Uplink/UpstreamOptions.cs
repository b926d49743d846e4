using Ccdsvm.Shared.Contracts.Tls;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Uplink;

/// <summary>
/// The <c>Station:Upstream</c> section: the station above this one, for layered stations (README, "Layered stations").
/// Unset, this station is a top station. Set, it enrols as a unit of kind <c>station</c> of the upper station and
/// connects out to it, as a unit agent does.
/// </summary>
public sealed class UpstreamOptions
{
    public const string Section = StationOptions.Section + ":Upstream";

    /// <summary>The upper station's base address, e.g. https://top.example:5080.</summary>
    public string? Url { get; set; }

    /// <summary>This station's unit name at the upper station: lower-case letters, digits and dashes, at most 63.</summary>
    public string? Name { get; set; }

    /// <summary>A one-time enrolment token made on the upper station (POST /api/v1/enrolments); needed the first time only.</summary>
    public string? EnrolmentToken { get; set; }

    /// <summary>The upper station's certificate (or CA) SHA-256 fingerprint(s) to pin, comma-separated; needed the first time over HTTPS unless this host trusts its certificate.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>
    /// What this station calls the upper station in the names of its users (<c>alice@top</c>), which this station's ACL
    /// grants rights to: lower-case letters, digits and dashes. Unset: the first label of the upper station's host name
    /// (top for https://top.example:5080), or "upstream" when the address is an IP address.
    /// </summary>
    public string? Label { get; set; }

    /// <summary>The label in force (<see cref="Label"/> or the one derived from <see cref="Url"/>).</summary>
    public string EffectiveLabel
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(Label)) return Label.Trim();
            if (Uri.TryCreate(Url?.Trim(), UriKind.Absolute, out var uri) && uri.HostNameType == UriHostNameType.Dns)
            {
                string first = uri.Host.Split('.')[0].ToLowerInvariant();
                if (UnitSecrets.NameProblem(first) is null) return first;
            }
            return "upstream";
        }
    }

    /// <summary>Whether any of the section is set: then all of it is checked, and the uplink runs.</summary>
    public bool Configured =>
        !string.IsNullOrWhiteSpace(Url) || !string.IsNullOrWhiteSpace(Name) || !string.IsNullOrWhiteSpace(EnrolmentToken) || !string.IsNullOrWhiteSpace(Fingerprint);

    /// <summary>
    /// What is wrong with the section, in words naming the setting, or null when it is usable. <paramref name="enrolled"/>
    /// says whether this station already holds its credential at the upper station under <see cref="Name"/> (then no token is needed).
    /// </summary>
    public string? Problem(bool enrolled)
    {
        if (!Configured) return null;
        if (string.IsNullOrWhiteSpace(Url))
            return "Station:Upstream:Url (Station__Upstream__Url) is not set: give the upper station's address, such as https://top.example:5080";
        if (!Uri.TryCreate(Url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"Station:Upstream:Url '{Url}' must be an absolute http(s) address such as https://top.example:5080";
        if (string.IsNullOrWhiteSpace(Name))
            return "Station:Upstream:Name (Station__Upstream__Name) is not set: give this station's unit name at the upper station";
        if (UnitSecrets.NameProblem(Name.Trim()) is { } name)
            return $"Station:Upstream:Name: {name}";
        if (!string.IsNullOrWhiteSpace(Label) && UnitSecrets.NameProblem(Label.Trim()) is { } label)
            return $"Station:Upstream:Label: {label.Replace("unit name", "label", StringComparison.Ordinal)}";
        try { CertificatePins.ParseList(Fingerprint); }
        catch (FormatException ex) { return $"Station:Upstream:Fingerprint: {ex.Message}"; }
        if (!enrolled && string.IsNullOrWhiteSpace(EnrolmentToken))
            return $"Station:Upstream:EnrolmentToken (Station__Upstream__EnrolmentToken) is not set and this station is not enrolled at the upper station as '{Name.Trim()}' yet: " +
                   "make a one-time token on the upper station (POST /api/v1/enrolments) and start with it once";
        return null;
    }
}
