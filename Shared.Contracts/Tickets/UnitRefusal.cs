namespace Ccdsvm.Shared.Contracts.Tickets;

/// <summary>How a unit words a refused order, so the station can tell it from a task that ran and failed.</summary>
public static class UnitRefusal
{
    public const string Prefix = "refused by the unit:";

    public static string Because(string reason) => $"{Prefix} {reason}";

    public static bool Is(string? error) => error is not null && error.StartsWith(Prefix, StringComparison.Ordinal);
}
