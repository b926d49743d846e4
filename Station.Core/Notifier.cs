using Microsoft.Extensions.Logging;
namespace Ccdsvm.Station.Core;

/// <summary>
/// Fan-out of changes to the console's components and the API's live streams. Handlers run on the
/// publisher's thread: UI subscribers hop onto their renderer themselves, and dispose their subscription.
/// A subscriber that throws is logged (with <paramref name="logger"/>) and the others still hear the change.
/// </summary>
public class Notifier<T>(ILogger? logger = null)
{
    private readonly object _gate = new();
    private Action<T>[] _handlers = [];

    public IDisposable Subscribe(Action<T> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
        return new Subscription(this, handler);
    }

    public int SubscriberCount => Volatile.Read(ref _handlers).Length;

    public void Publish(T update)
    {
        foreach (var h in Volatile.Read(ref _handlers))
        {
            // One broken subscriber must not stop the others or the publisher; it is logged, not swallowed.
            try { h(update); }
            catch (Exception ex) { if (logger is not null) NotifierLog.SubscriberFailed(logger, typeof(T).Name, h.Method.DeclaringType?.FullName ?? h.Method.Name, ex); }
        }
    }

    private void Unsubscribe(Action<T> handler)
    {
        lock (_gate) _handlers = _handlers.Where(h => h != handler).ToArray();
    }

    private sealed class Subscription(Notifier<T> owner, Action<T> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unsubscribe(handler);
        }
    }
}

internal static partial class NotifierLog
{
    [LoggerMessage(1010, LogLevel.Error, "A subscriber to {Update} changes ({Subscriber}) threw; the other subscribers were still notified")]
    public static partial void SubscriberFailed(ILogger logger, string update, string subscriber, Exception exception);
}
