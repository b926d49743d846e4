using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Ccdsvm.Bench;

/// <summary>
/// <c>PROFILE_ALLOCATIONS=1</c> with <c>profile</c>: samples the runtime's allocation ticks (one per ~100 KB allocated) by type,
/// to see which objects an admission allocates.
/// </summary>
public sealed class AllocationTicks : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // GC keyword (0x1) at verbose level carries GCAllocationTick.
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null) return;
        int type = eventData.PayloadNames!.IndexOf("TypeName");
        int amount = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (type < 0 || amount < 0) return;
        _bytes.AddOrUpdate((string)eventData.Payload[type]!, Convert.ToInt64(eventData.Payload[amount], System.Globalization.CultureInfo.InvariantCulture), (_, v) => v + Convert.ToInt64(eventData.Payload[amount], System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Print(int top)
    {
        long total = _bytes.Values.Sum();
        foreach (var (name, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(top))
            Console.WriteLine($"{100.0 * bytes / total,5:0.0}%  {name}");
    }
}
