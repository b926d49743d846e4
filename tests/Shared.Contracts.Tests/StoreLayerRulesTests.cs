using System.Text.RegularExpressions;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// Rules of the station's store layer: one writer per kind of row, so the statement, the columns and the length
/// rules of that row live in one file.
/// </summary>
public sealed partial class StoreLayerRulesTests
{
    private static readonly string Root = RepoPaths.Root;

    private static readonly string[] ProductProjects = ["Shared.Contracts", "Station.Core", "Console.Blazor", "Unit.Agent", "bench"];

    [Fact]
    public void Audit_rows_are_inserted_by_one_source_file()
    {
        var inserting = ProductProjects.SelectMany(Sources)
            .Where(f => !IsSchemaMigration(f))
            .Where(f => AuditInsert().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(Root, f))
            .ToList();
        Assert.True(inserting.SequenceEqual(["Station.Core/Audit/AuditWriter.cs"]),
            "audit rows are written only through Station.Core/Audit/AuditWriter.cs (its statement, columns and length rule); "
            + "files that insert into audit: " + string.Join(", ", inserting));
    }

    /// <summary>Migrations copy whole tables from one schema version to the next (Station.Core/Store/*Schema.cs).</summary>
    private static bool IsSchemaMigration(string file) =>
        Path.GetRelativePath(Root, file).StartsWith("Station.Core/Store/", StringComparison.Ordinal)
        && file.EndsWith("Schema.cs", StringComparison.Ordinal);

    private static IEnumerable<string> Sources(string project) =>
        Directory.EnumerateFiles(Path.Combine(Root, project), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    [GeneratedRegex(@"INSERT\s+INTO\s+audit\b", RegexOptions.IgnoreCase)]
    private static partial Regex AuditInsert();
}
