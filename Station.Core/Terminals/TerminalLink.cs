using System.Threading.Channels;

namespace Ccdsvm.Station.Core.Terminals;

/// <summary>
/// The station's middle of one terminal session: frames from the browser towards the unit (<see cref="ToUnit"/>) and
/// the unit's output towards the browser (<see cref="FromUnit"/>), both bounded. The output never waits: a write that
/// waited would stall the agent hub's whole connection (its stream items are read in line with its other messages),
/// so past 1,024 chunks unread (a browser that stalls, or none attached yet) the oldest output is dropped.
/// </summary>
public sealed class TerminalLink(long taskId, string unit, string owner)
{
    private int _browser;

    public long TaskId { get; } = taskId;
    public string Unit { get; } = unit;
    public string Owner { get; } = owner;

    public Channel<byte[]> ToUnit { get; } = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(256) { SingleReader = true });

    public Channel<byte[]> FromUnit { get; } = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>One browser (or CLI) at a time: true for the first, false while one is attached.</summary>
    public bool TryAttach() => Interlocked.CompareExchange(ref _browser, 1, 0) == 0;

    public void Detach() => Volatile.Write(ref _browser, 0);
}
