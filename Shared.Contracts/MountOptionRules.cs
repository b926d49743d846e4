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

    /// <summary>The characters mount options are written with: no white space (fstab and the mount table cannot hold it), no shell or quoting characters.</summary>
    public static bool IsPlain(string options) =>
        options.All(c => char.IsAsciiLetterOrDigit(c) || c is '=' or ',' or '.' or '_' or ':' or '-' or '+');

    /// <summary>The refusal of options that are not <see cref="IsPlain"/>.</summary>
    public static string NotPlain(string options) =>
        $"mount options '{(options.Length <= 200 ? options : options[..200] + "…")}' may hold only letters, digits and = , . _ : - +";

    /// <summary>A refusal of options that are not plain, or naming the first dangerous option not in <paramref name="allowed"/>; null when they may be used.</summary>
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
        // Checked at the station too (issue 16.3), so a replayed or hand-written mount is refused with 400 before it reaches a unit.
        return IsPlain(options) ? null : NotPlain(options);
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
