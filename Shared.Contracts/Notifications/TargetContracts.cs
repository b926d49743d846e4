namespace Ccdsvm.Shared.Contracts.Notifications;

/// <summary>Where notifications go: a webhook (HTTP POST of JSON) or e-mail through an SMTP server.</summary>
public static class NotificationTargetTypes
{
    public const string Webhook = "webhook", Email = "email";
    public static readonly IReadOnlyList<string> All = [Webhook, Email];
}

/// <summary>How the station secures its SMTP connection.</summary>
public static class SmtpSecurityModes
{
    /// <summary>STARTTLS required: the server must offer it (port 587).</summary>
    public const string StartTls = "startTls";
    /// <summary>STARTTLS when the server offers it, plain otherwise.</summary>
    public const string StartTlsWhenAvailable = "startTlsWhenAvailable";
    /// <summary>TLS from the first byte (port 465).</summary>
    public const string SslOnConnect = "sslOnConnect";
    /// <summary>No TLS: only for a relay on the same host or a test sink.</summary>
    public const string None = "none";
    public static readonly IReadOnlyList<string> All = [StartTls, StartTlsWhenAvailable, SslOnConnect, None];
}

/// <summary>
/// <c>POST /api/v1/notification-targets</c> and <c>PUT …/{id}</c> body. A webhook takes <see cref="Url"/> and an optional
/// <see cref="Secret"/> (then each body is signed: <c>X-Ccdsvm-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>);
/// e-mail takes <see cref="Host"/>, <see cref="Port"/>, <see cref="Security"/> (<see cref="SmtpSecurityModes"/>, STARTTLS
/// when absent), an optional <see cref="Username"/> and <see cref="Password"/>, <see cref="From"/> and <see cref="To"/>.
/// Secrets are write-only: on a change, a secret left out (null) keeps the saved one and an empty one removes it.
/// </summary>
public sealed record NotificationTargetRequest(string? Name, string? Type, bool? Enabled = null, string? Url = null, string? Secret = null,
    string? Host = null, int? Port = null, string? Security = null, string? Username = null, string? Password = null, string? From = null,
    IReadOnlyList<string>? To = null);

/// <summary>A target as the API shows it: its secrets only as whether they are set.</summary>
public sealed record NotificationTargetView(long Id, string Name, string Type, bool Enabled, string? Url, bool SecretSet, string? Host, int? Port,
    string? Security, string? Username, bool PasswordSet, string? From, IReadOnlyList<string> To, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What became of one delivery attempt.</summary>
public static class DeliveryResults
{
    /// <summary>The target took it (a 2xx answer, or the SMTP server accepted the message).</summary>
    public const string Delivered = "delivered";
    /// <summary>This attempt failed; another follows after a pause.</summary>
    public const string Retrying = "retrying";
    /// <summary>The last attempt failed; the delivery is given up.</summary>
    public const string GaveUp = "gaveUp";
}

/// <summary>
/// One delivery attempt (<c>GET /api/v1/notification-deliveries</c>): when, to which target, of which event (a digest names
/// how many it carried), the attempt's number, its result, the HTTP status when there was one, and the error.
/// </summary>
public sealed record NotificationDeliveryView(long Id, DateTimeOffset At, long TargetId, string Target, string EventType, string Title, int Attempt,
    string Result, int? Status, string? Error);
