namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tests that start real stations and agents (no browser) run here one at a time, beside the one browser test of
/// <see cref="BrowserCollection"/>: two lanes on a 2-core machine, so the suite fits CI's time without several stations,
/// agents and browsers at once. The 1 GiB moves (<see cref="MoveProcessCollection"/>) run alone after both lanes.
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
