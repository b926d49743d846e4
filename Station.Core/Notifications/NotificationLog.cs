using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>The notifications' log events.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(LogLevel.Warning, "Notification {Type} ({Key}) could not be handled; the next ones still are")]
    public static partial void EventFailed(ILogger logger, string type, string key, Exception error);

    [LoggerMessage(LogLevel.Warning, "Delivery of {Type} to target {Target} failed (attempt {Attempt}): {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string type, string target, int attempt, string error);

    [LoggerMessage(LogLevel.Warning, "The delivery queue is full; a delivery of {Type} to target {Target} was dropped")]
    public static partial void DeliveryDropped(ILogger logger, string type, string target);
}
