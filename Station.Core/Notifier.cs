namespace Ccdsvm.Station.Core;

/// <summary>
/// Fan-out of changes to the console's components and the API's live streams. Handlers run on the
/// publisher's thread: UI subscribers hop onto their renderer themselves, and dispose their subscription.
/// </summary>
public class Notifier<T>
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
            try { h(update); }
            catch (Exception) { /* one broken subscriber must not stop the others or the publisher */ }
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
