using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Sends orders and cancels to agents from workers of its own, so no REST call and no agent's hub call waits for
/// a send to another (or the same) agent. Each unit has its own channel and worker: a unit whose connection is
/// slow holds up only its own orders, in the order they were queued. Tasks granted by a release (a stage done, an
/// end, a tick) are signed on the signing worker, not on the thread that released, and then queued to their units.
/// Whatever is queued here is already committed: the task, its slot and its locks are on disk.
/// </summary>
internal sealed class OrderDispatcher : IDisposable
{
    /// <summary>One thing to send to a unit: an order (with its signed ticket, or null to build one) or a cancel.</summary>
    private readonly record struct Outgoing(TaskRow? Row, ReadyOrder? Order, long CancelTaskId);

    private sealed class UnitQueue
    {
        public readonly Channel<Outgoing> Channel = System.Threading.Channels.Channel.CreateUnbounded<Outgoing>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
        public int Started;
        public Task Worker = Task.CompletedTask;
    }

    private readonly TaskSender _sender;
    private readonly IAgentDispatcher _agents;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, UnitQueue> _units = new(StringComparer.Ordinal);
    private readonly Channel<IReadOnlyList<long>> _granted = Channel.CreateUnbounded<IReadOnlyList<long>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly Task _signer;
    /// <summary>Items queued and not yet handled (sent, failed or dropped).</summary>
    private int _inFlight;
    private int _disposed;

    public OrderDispatcher(TaskSender sender, IAgentDispatcher agents, ILogger logger)
    {
        _sender = sender;
        _agents = agents;
        _logger = logger;
        using (ExecutionContext.SuppressFlow()) _signer = Task.Run(SignGrantedAsync);
    }

    /// <summary>Queues a committed task's order to its unit; <paramref name="order"/> null builds and signs it at the send.</summary>
    public void Order(TaskRow row, ReadyOrder? order) => Queue(row.Target, new Outgoing(row, order, 0));

    /// <summary>Queues tasks a release granted: they are signed together on the signing worker, then queued to their units.</summary>
    public void Granted(IReadOnlyList<long> taskIds)
    {
        if (taskIds.Count == 0) return;
        Interlocked.Increment(ref _inFlight);
        if (!_granted.Writer.TryWrite(taskIds)) Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Queues a cancel to a unit, after the orders queued to it before.</summary>
    public void Cancel(string unitId, long taskId) => Queue(unitId, new Outgoing(null, null, taskId));

    /// <summary>True when everything queued so far has been handled (for tests that look at what was sent).</summary>
    internal bool Idle => Volatile.Read(ref _inFlight) == 0;

    private void Queue(string unitId, Outgoing item)
    {
        var queue = _units.GetOrAdd(unitId, static _ => new UnitQueue());
        if (queue.Started == 0 && Interlocked.Exchange(ref queue.Started, 1) == 0)
        {
            // The worker outlives the call that started it: it takes none of its context (its span, its log scopes).
            using (ExecutionContext.SuppressFlow()) queue.Worker = Task.Run(() => SendAsync(unitId, queue.Channel.Reader));
        }
        Interlocked.Increment(ref _inFlight);
        if (!queue.Channel.Writer.TryWrite(item)) Interlocked.Decrement(ref _inFlight);
    }

    private async Task SendAsync(string unitId, ChannelReader<Outgoing> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    if (item.Row is { } row) await _sender.SendNowAsync(row, item.Order).ConfigureAwait(false);
                    else await _agents.CancelAsync(unitId, item.CancelTaskId).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException) { TaskLog.LogSendFailed(_logger, ex, unitId, item.Row?.Id ?? item.CancelTaskId); }
                finally { Interlocked.Decrement(ref _inFlight); }
            }
        }
    }

    private async Task SignGrantedAsync()
    {
        var reader = _granted.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var ids))
            {
                try
                {
                    foreach (var (row, order) in _sender.SignGranted(ids)) Order(row, order);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException) { TaskLog.LogSendFailed(_logger, ex, "", ids[0]); }
                finally { Interlocked.Decrement(ref _inFlight); }
            }
        }
    }

    /// <summary>Stops taking work; what was queued is still sent for a few seconds, as a closing station would.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _granted.Writer.TryComplete();
        _signer.Wait(TimeSpan.FromSeconds(5));
        foreach (var queue in _units.Values) queue.Channel.Writer.TryComplete();
        Task.WaitAll([.. _units.Values.Select(q => q.Worker)], TimeSpan.FromSeconds(5));
    }
}
