namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>The groups a kind picker shows kinds under, in the order it shows them.</summary>
public static class KindGroups
{
    public const string Storage = "Storage";
    public const string Volumes = "Volumes";
    public const string Files = "Files";
    public const string Data = "Data";
    public const string Network = "Network";
    public const string Processes = "Processes";
    public const string Maintenance = "Maintenance";
    public const string Access = "Access";

    public static IReadOnlyList<string> Ordered { get; } = [Storage, Volumes, Files, Data, Network, Processes, Maintenance, Access];

    /// <summary>Where a group sorts in a picker; an unknown group goes last.</summary>
    public static int Order(string group)
    {
        int i = Ordered.ToList().IndexOf(group);
        return i < 0 ? Ordered.Count : i;
    }

    /// <summary>The kinds under their groups, groups in picker order and kinds by action name within each.</summary>
    public static IReadOnlyList<IGrouping<string, IKindContract>> Of(IEnumerable<IKindContract> kinds) =>
        [.. kinds.OrderBy(k => k.Action, StringComparer.Ordinal).GroupBy(k => k.Group).OrderBy(g => Order(g.Key))];
}
