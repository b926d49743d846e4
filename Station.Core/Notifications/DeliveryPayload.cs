using System.Globalization;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Notifications;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// What one delivery carries: one event (<see cref="DigestPolicies.Immediately"/>) or the events an hourly or daily digest
/// gathered, oldest first.
/// </summary>
public sealed record DeliveryPayload(IReadOnlyList<NotificationEvent> Events, string Digest = DigestPolicies.Immediately)
{
    /// <summary>The event type the log shows: the event's, or <c>digest</c> for several.</summary>
    public string EventType => Events.Count == 1 && Digest == DigestPolicies.Immediately ? Events[0].Type : "digest";

    /// <summary>A line for the log and an e-mail's subject.</summary>
    public string Title => Events.Count == 1 && Digest == DigestPolicies.Immediately
        ? Events[0].Title
        : string.Create(CultureInfo.InvariantCulture, $"{Digest} digest: {Events.Count} event{(Events.Count == 1 ? "" : "s")}");

    /// <summary>The webhook body: <c>{"sentAt", "digest", "count", "events": [...]}</c>, camelCase; signed as it is sent.</summary>
    public byte[] Json(DateTimeOffset sentAt) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        sentAt,
        digest = Digest,
        count = Events.Count,
        events = Events.Select(e => new { e.Type, e.Severity, e.Title, e.Message, e.At, e.TaskId, e.TaskKind, e.Unit, unitTags = e.Tags }),
    }, NotificationTargets.Json);

    /// <summary>The e-mail's text: one paragraph per event.</summary>
    public string Text() => string.Join("\n\n", Events.Select(e =>
        string.Create(CultureInfo.InvariantCulture, $"[{e.Severity}] {e.Title}\n{e.Message}\n{e.At:u}")));
}

/// <summary>What one attempt gave: whether the target took it, the HTTP status when there was one, and the error.</summary>
internal sealed record SendResult(bool Ok, int? Status = null, string? Error = null);

/// <summary>Sends a payload to one kind of target, once; the delivery queue retries.</summary>
internal interface ITargetSender
{
    string Type { get; }
    Task<SendResult> SendAsync(ResolvedTarget target, DeliveryPayload payload, CancellationToken cancellationToken);
}
