using System.Net.Mail;
using Ccdsvm.Shared.Contracts.Notifications;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>A target's settings once checked (secrets apart: they are kept or replaced by the service).</summary>
internal sealed record TargetConfig(string? Url = null, string? Host = null, int? Port = null, string? Security = null, string? Username = null,
    string? From = null, IReadOnlyList<string>? To = null);

/// <summary>Checks a target request; every refusal says what to send instead.</summary>
internal static class TargetCheck
{
    public const int MaxName = 100, MaxSecret = 1000, MaxRecipients = 50;

    public static Outcome<(string Name, string Type, bool Enabled, TargetConfig Config)> Check(NotificationTargetRequest? r)
    {
        if (r is null) return StationError.BadRequest("send the target as JSON: {\"name\", \"type\": \"webhook\" or \"email\", …}");
        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxName) return StationError.BadRequest($"'name' is required, at most {MaxName} characters");
        if (r.Secret is { Length: > MaxSecret } || r.Password is { Length: > MaxSecret })
            return StationError.BadRequest($"'secret' and 'password' are at most {MaxSecret} characters");
        switch (r.Type)
        {
            case NotificationTargetTypes.Webhook:
                if (Url(r.Url) is { } badUrl) return badUrl;
                return (name, r.Type, r.Enabled ?? true, new TargetConfig(Url: r.Url!.Trim()));
            case NotificationTargetTypes.Email:
                var host = r.Host?.Trim();
                if (string.IsNullOrEmpty(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
                    return StationError.BadRequest("'host' must be the SMTP server's name or address, e.g. smtp.example.com");
                if (r.Port is not { } port || port is < 1 or > 65535)
                    return StationError.BadRequest("'port' must be between 1 and 65535: 587 for STARTTLS, 465 for TLS on connect, 25 for a plain relay");
                var security = r.Security ?? SmtpSecurityModes.StartTls;
                if (!SmtpSecurityModes.All.Contains(security))
                    return StationError.BadRequest($"'security' must be one of {string.Join(", ", SmtpSecurityModes.All)}; got '{Units.UnitDirectory.Echo(r.Security)}'");
                if (!Address(r.From)) return StationError.BadRequest($"'from' must be an e-mail address such as station@example.com; got '{Units.UnitDirectory.Echo(r.From)}'");
                if (r.To is not { Count: > 0 and <= MaxRecipients } to) return StationError.BadRequest($"'to' must list 1 to {MaxRecipients} e-mail addresses");
                foreach (var a in to)
                    if (!Address(a)) return StationError.BadRequest($"'to' holds '{Units.UnitDirectory.Echo(a)}', which is not an e-mail address such as ops@example.com");
                if (r.Password is { Length: > 0 } && string.IsNullOrWhiteSpace(r.Username))
                    return StationError.BadRequest("a 'password' needs a 'username' to sign in with");
                return (name, r.Type, r.Enabled ?? true, new TargetConfig(Host: host, Port: port, Security: security,
                    Username: string.IsNullOrWhiteSpace(r.Username) ? null : r.Username.Trim(), From: r.From!.Trim(), To: [.. to.Select(a => a.Trim())]));
            default:
                return StationError.BadRequest($"'type' must be one of {string.Join(", ", NotificationTargetTypes.All)}; got '{Units.UnitDirectory.Echo(r.Type)}'");
        }
    }

    public static StationError? Url(string? url) =>
        url is { Length: <= 2000 } && Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0
            ? null
            : StationError.BadRequest($"'url' must be an absolute http:// or https:// address such as https://hooks.example.com/ccdsvm; got '{Units.UnitDirectory.Echo(url)}'");

    public static bool Address(string? text) =>
        !string.IsNullOrWhiteSpace(text) && MailAddress.TryCreate(text.Trim(), out var a) && a.Address == text.Trim() && a.Host.Length > 0;
}
