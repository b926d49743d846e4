using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Ccdsvm.ConsoleBench;

/// <summary>
/// The station's live managed memory: an EventPipe session with the runtime's GCHeapCollect keyword (what dotnet-gcdump
/// uses) induces one full blocking GC; its GCHeapStats event gives what survived it. RSS alone moves by tens of MiB with
/// the GC's own budget; the bytes alive after a full GC do not.
/// </summary>
public static class HeapProbe
{
    private const long GcKeyword = 0x1, GcHeapCollectKeyword = 0x800000;

    /// <summary>Bytes alive after an induced full GC (TotalPromoted of that GC), or -1 when none came within 30 s.</summary>
    public static async Task<long> LiveBytesAfterFullGcAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var providers = new[] { new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, GcKeyword | GcHeapCollectKeyword) };
        using var session = client.StartEventPipeSession(providers, requestRundown: false);
        long live = -1;
        int depth = -1;
        var done = new TaskCompletionSource();
        var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCStart += e => depth = e.Depth;
        source.Clr.GCHeapStats += e =>
        {
            if (depth != 2 || live >= 0) return;
            live = e.TotalPromoted;
            done.TrySetResult();
        };
        var reading = Task.Run(() => source.Process());
        await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
        try { await session.StopAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (ServerNotAvailableException) { }
        await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        source.Dispose();
        return live;
    }
}
