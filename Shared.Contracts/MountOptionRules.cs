namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// Which mount options a task may ask for, checked alike by the station (at admission) and the unit (before
/// mounting): options that let a mounted file system raise privileges (<c>suid</c>, <c>dev</c>), let ordinary
/// users mount or unmount it (<c>user</c>, <c>users</c>, <c>owner</c>, <c>group</c>) or run another program
/// (<c>helper=</c>) are refused unless an administrator's policy names them; <c>nosuid,nodev</c> are always
/// added unless the policy allows the option they cancel.
/// </summary>
public static class MountOptionRules
{
    /// <summary>Options refused unless allowed by name.</summary>
    public static readonly IReadOnlyList<string> Dangerous = ["suid", "dev", "user", "users", "owner", "group", "helper"];

    /// <summary>A refusal naming the first dangerous option not in <paramref name="allowed"/>, or null.</summary>
    public static string? Problem(string? options, IEnumerable<string> allowed, string policyName)
    {
        if (string.IsNullOrEmpty(options)) return null;
        var permitted = new HashSet<string>(allowed, StringComparer.Ordinal);
        foreach (var option in options.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string name = option.Split('=', 2)[0];
            if (Dangerous.Contains(name) && !permitted.Contains(name))
                return $"mount option '{name}' is refused: {Why(name)}; an administrator may allow it with {policyName}";
        }
        return null;
    }

    /// <summary>The options as mounted: the asked ones followed by nosuid and nodev, unless the policy allows suid or dev.</summary>
    public static string Harden(string? options, IEnumerable<string> allowed)
    {
        var permitted = new HashSet<string>(allowed, StringComparer.Ordinal);
        var parts = (string.IsNullOrWhiteSpace(options) ? "defaults" : options)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        // mount(8) lets a later option override an earlier one, so these come last: "defaults" cannot re-enable them.
        if (!permitted.Contains("suid")) { parts.Remove("nosuid"); parts.Add("nosuid"); }
        if (!permitted.Contains("dev")) { parts.Remove("nodev"); parts.Add("nodev"); }
        return string.Join(',', parts);
    }

    private static string Why(string name) => name switch
    {
        "suid" => "set-user-ID programs on the mounted file system would run with their owner's rights (root)",
        "dev" => "device files on the mounted file system would give access to this unit's disks and memory",
        "helper" => "it makes umount run another program",
        _ => "it lets ordinary users of the unit mount and unmount the file system",
    };
}
