namespace Ccdsvm.Station.Core.Tests;

/// <summary>
/// Tests on real SQLite files: they clear Microsoft.Data.Sqlite's process-wide connection pools before
/// deleting their files, so they run one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StoreCollection
{
    public const string Name = "SQLite store";
}
