// xUnit 2.9 starts at most MaxParallelThreads tests at once (its conservative algorithm), ProcessorCount by default: on a
// 2-core machine that let only two of the three lanes below run at a time, and the waiting lane queued behind the busy
// ones. Three: one test per lane.
[assembly: CollectionBehavior(MaxParallelThreads = 3)]

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tests that start real stations and agents (no browser) run here one at a time, beside the one browser test of
/// <see cref="BrowserCollection"/> and the one waiting test of <see cref="WaitingCollection"/>: three lanes on a 2-core
/// machine, so the suite fits CI's time without several busy stations, agents and browsers at once. The 1 GiB moves
/// (<see cref="MoveProcessCollection"/>) run alone after the lanes; the layered stations are a lane of their own.
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
/// Tests with real processes that spend most of their time waiting (a link cut for 30 s, a frozen process whose lease
/// runs out, an agent killed and its lease's grace, a thousand idle WebSockets, agents under a shifted clock, TLS and
/// enrolment round trips): one at a time, in a third lane beside
/// <see cref="ProcessCollection"/> and <see cref="BrowserCollection"/>, which they barely slow.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WaitingCollection
{
    public const string Name = "waiting processes";
}

/// <summary>
/// Layered stations (three stations and two agents busy at once, README "Layered stations"): a lane of their own, one
/// test at a time. They used to run alone after the lanes, like the 1 GiB moves, but the suite then outgrew CI's
/// 29 minutes: the lanes end at different times, and the machine had room beside the last one. They share the three
/// test slots (MaxParallelThreads above), so never more than three tests run at once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LayersCollection
{
    public const string Name = "layered stations";
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
