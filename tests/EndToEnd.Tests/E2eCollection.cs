namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Tests that start real stations, agents and browsers run one after another: the machine has two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class E2eCollection
{
    public const string Name = "end-to-end";
}
