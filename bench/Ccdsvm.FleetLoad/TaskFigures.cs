using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Ccdsvm.FleetLoad;

/// <summary>
/// Per task id, what the simulated units saw: how many times its order arrived, how many times it was run, and how many
/// times its result was delivered. A task run twice shows in <c>ranTwice</c>; an order sent again (after a reconnect or
/// a lost receipt) and answered from the unit's record shows in <c>ordersRepeated</c>.
/// </summary>
public sealed class TaskFigures
{
    private sealed class Counts
    {
        public int Received, Ran, Delivered;
    }

    private readonly ConcurrentDictionary<long, Counts> _tasks = new();
    private int _keptForReconnect, _redelivered, _leaseStops, _sendsDropped;

    private Counts Of(long taskId) => _tasks.GetOrAdd(taskId, _ => new Counts());

    public void Received(long taskId) => Interlocked.Increment(ref Of(taskId).Received);
    public void Ran(long taskId) => Interlocked.Increment(ref Of(taskId).Ran);
    public void Delivered(long taskId) => Interlocked.Increment(ref Of(taskId).Delivered);

    /// <summary>A result that could not be delivered (no connection) and waits for the next one.</summary>
    public void KeptForReconnect() => Interlocked.Increment(ref _keptForReconnect);

    /// <summary>A result sent again from the unit's record, for an order that came again after it ended.</summary>
    public void Redelivered() => Interlocked.Increment(ref _redelivered);

    /// <summary>A task the unit stopped because its lease ended without a renewal (the station away longer than the lease).</summary>
    public void LeaseStop() => Interlocked.Increment(ref _leaseStops);

    /// <summary>A progress report or receipt dropped because the unit had no connection at that moment (as the agent drops them).</summary>
    public void SendDropped() => Interlocked.Increment(ref _sendsDropped);

    public int RanOf(long taskId) => _tasks.TryGetValue(taskId, out var c) ? Volatile.Read(ref c.Ran) : 0;

    public JsonObject Summary()
    {
        var all = _tasks.ToArray();
        return new JsonObject
        {
            ["ids"] = all.Length,
            ["ordersReceived"] = all.Sum(kv => kv.Value.Received),
            ["ordersRepeated"] = all.Sum(kv => Math.Max(0, kv.Value.Received - 1)),
            ["ranOnce"] = all.Count(kv => kv.Value.Ran == 1),
            ["ranTwice"] = new JsonArray([.. all.Where(kv => kv.Value.Ran > 1).Select(kv => (JsonNode?)JsonValue.Create(kv.Key))]),
            ["neverRan"] = all.Count(kv => kv.Value.Ran == 0),
            ["resultsDelivered"] = all.Sum(kv => kv.Value.Delivered),
            ["undeliveredIds"] = all.Count(kv => kv.Value.Ran > 0 && kv.Value.Delivered == 0),
            ["keptForReconnect"] = _keptForReconnect,
            ["redelivered"] = _redelivered,
            ["leaseStops"] = _leaseStops,
            ["sendsDropped"] = _sendsDropped,
        };
    }
}
