using System.Globalization;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// The task of the station above that a task here was relayed from (README, "Layered stations"): its id there, the
/// label this station gives that station, and the user it runs for (as named here: <c>user@label</c>, or a name already
/// qualified further up). The one place that reads it from a task row (owner and idempotency key
/// <c>upstream-&lt;label&gt;-&lt;id&gt;</c>), and the one that writes that key (<see cref="KeyOf"/>).
/// </summary>
public sealed record RelayedFrom(long UpperTaskId, string Label, string User)
{
    private const string Prefix = "upstream-";

    /// <summary>The idempotency key of the task relayed here from task <paramref name="upperTaskId"/> of the station labelled <paramref name="label"/>.</summary>
    public static string KeyOf(string label, long upperTaskId) => Prefix + label + "-" + upperTaskId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The link of a task owned by <paramref name="owner"/> with <paramref name="idempotencyKey"/>; null for a task submitted
    /// here (no such key, or an owner that is not a user of a station above, i.e. no <c>@</c> in the name).
    /// </summary>
    public static RelayedFrom? Of(string owner, string? idempotencyKey)
    {
        if (idempotencyKey is null || !idempotencyKey.StartsWith(Prefix, StringComparison.Ordinal) || !owner.Contains('@', StringComparison.Ordinal)) return null;
        int dash = idempotencyKey.LastIndexOf('-');
        if (dash <= Prefix.Length) return null;
        string label = idempotencyKey[Prefix.Length..dash];
        return long.TryParse(idempotencyKey.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0
            ? new RelayedFrom(id, label, owner)
            : null;
    }

    /// <summary>The user as the station above names them: <c>alice</c> for <c>alice@top</c> relayed from <c>top</c>; a name qualified further up stays whole.</summary>
    public string UserThere => User.EndsWith("@" + Label, StringComparison.Ordinal) ? User[..^(Label.Length + 1)] : User;

    /// <summary>"relayed from task 12 of top for alice".</summary>
    public override string ToString() => $"relayed from task {UpperTaskId.ToString(CultureInfo.InvariantCulture)} of {Label} for {UserThere}";
}
