namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// <c>Station:Notifications</c>: the delivery queue's bound and workers, how often and how patiently a failed delivery
/// is tried again (exponential: <see cref="RetryDelaySeconds"/>, twice that, four times…), and one attempt's time limit.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Station:Notifications";

    public int QueueCapacity { get; set; } = 1000;
    public int Workers { get; set; } = 2;
    public int Retries { get; set; } = 4;
    public double RetryDelaySeconds { get; set; } = 2;
    public double AttemptTimeoutSeconds { get; set; } = 15;

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem() =>
        QueueCapacity < 1 ? "QueueCapacity must be at least 1"
        : Workers is < 1 or > 32 ? "Workers must be between 1 and 32"
        : Retries is < 0 or > 10 ? "Retries must be between 0 and 10"
        : RetryDelaySeconds < 0 ? "RetryDelaySeconds must not be negative"
        : AttemptTimeoutSeconds <= 0 ? "AttemptTimeoutSeconds must be positive"
        : null;
}
