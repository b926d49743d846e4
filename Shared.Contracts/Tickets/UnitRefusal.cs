namespace Ccdsvm.Shared.Contracts.Tickets;

/// <summary>
/// How a unit words a refused order. The station tells a refusal from a task that ran and failed by its
/// <see cref="TaskErrorKind.Refused"/> kind, not by these words.
/// </summary>
public static class UnitRefusal
{
    public const string Prefix = "refused by the unit:";

    public static string Because(string reason) => $"{Prefix} {reason}";
}
