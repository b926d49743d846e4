// xUnit 2.9 starts at most MaxParallelThreads tests at once (its conservative algorithm), ProcessorCount by default: on a
// 2-core machine that let only two of the three lanes below run at a time, and the waiting lane queued behind the busy
// ones. Three: one test per lane.
[assembly: CollectionBehavior(MaxParallelThreads = 3)]

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tests that start real stations and agents (no browser) run here one at a time, beside the one browser test of
/// <see cref="BrowserCollection"/> and the one waiting test of <see cref="WaitingCollection"/>: three lanes on a 2-core
/// machine, so the suite fits CI's time without several busy stations, agents and browsers at once. The 1 GiB moves
/// (<see cref="MoveProcessCollection"/>) run alone after the lanes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection
{
    public const string Name = "real processes";
}

/// <summary>Tests that drive the console in Chromium (each with its own station): one at a time, beside <see cref="ProcessCollection"/>.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}

/// <summary>
/// Tests with real processes that spend much of their time waiting (a link cut for 30 s, a frozen process whose lease
/// runs out, an agent killed and its lease's grace, a thousand idle WebSockets, agents under a shifted clock, TLS and
/// enrolment round trips), then the layered stations (three stations and two agents each): one at a time, in a third
/// lane beside <see cref="ProcessCollection"/> and <see cref="BrowserCollection"/>.
/// </summary>
/// <remarks>
/// Three lanes for three test slots, of about equal length (timed alone on 2 cores: browser 19.9 min, real processes
/// 19.5, this one 17.6). The layered stations were a fourth lane; the fourth waited for a free slot and the run ended
/// with one lane alone for its last seven minutes, the machine half idle (28.9 min in all). Keep the three about equal
/// when adding tests: the run takes as long as its longest lane.
/// </remarks>
[CollectionDefinition(Name)]
public sealed class WaitingCollection
{
    public const string Name = "waiting processes";
}

/// <summary>
/// Tests that change the host's own network namespace (a veth pair with an address on the host side, for an agent in a
/// namespace of its own to reach the station): alone, after the lanes. Chromium aborts a navigation with
/// ERR_NETWORK_CHANGED when the host's addresses change, so a browser test beside them fails (seen in CI).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostNetworkCollection
{
    public const string Name = "host network";
}
