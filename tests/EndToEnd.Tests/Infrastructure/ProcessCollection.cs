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
/// runs out, an agent killed and its lease's grace, a thousand idle WebSockets, agents under a shifted clock, TLS round
/// trips), the layered stations (three stations and two agents each) and the station killed 20 times: one at a time, in
/// a third lane beside <see cref="ProcessCollection"/> and <see cref="BrowserCollection"/>.
/// </summary>
/// <remarks>
/// Three lanes for three test slots, of about equal length: the run takes as long as its longest lane, and a lane that
/// ends early leaves the machine half idle. Timed in a fresh-clone CI run on 2 cores (the other test projects running
/// beside it for its first 15 min): real processes 22.6 min, browser 18.0, this lane 15.8; the kill loop (5.6 min) then
/// moved here and the enrolment tests (2.2 min) to the real processes, for about 19 min each. Keep them about equal
/// when adding tests (the class sums of tests/EndToEnd.Tests/TestResults/last.trx show where time goes).
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
