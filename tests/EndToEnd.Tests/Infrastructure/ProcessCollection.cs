namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Every test that starts real processes lives here: one at a time, so a shared 2-core machine is not
/// overloaded by several stations, agents and browsers at once.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "real processes";
}
