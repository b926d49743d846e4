using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;
using CsCheck;

namespace Ccdsvm.Unit.Agent.Tests.Fuzz;

/// <summary>How the order's ticket is made: genuine (the station's key, this unit, this task, kind and parameters) or wrong in one way.</summary>
public enum TicketMaking
{
    /// <summary>Signed by the station for exactly this order; its file resources are the canonical forms of the order's paths.</summary>
    Genuine,
    /// <summary>Signed by the station, but naming the order's paths as they were typed: a station that forgot to canonicalise.</summary>
    GenuineUncanonical,
    None,
    ForgedKey,
    Expired,
    FromTheFuture,
    OtherUnit,
    OtherTask,
    OtherKind,
    OtherParameters,
    Replayed,
    GarbageBytes,
    ParametersMissing,
}

/// <summary>One order as the station would dispatch it: a kind, its parameters as JSON text (or not JSON at all) and how its ticket is made.</summary>
public sealed record OrderCase(string Kind, string? ParametersJson, TicketMaking Ticket)
{
    public bool MustBeRefused => Ticket is not (TicketMaking.Genuine or TicketMaking.GenuineUncanonical);

    public override string ToString() =>
        $"{Ticket} {Show(Kind)} {(ParametersJson is null ? "(no parameters)" : Show(ParametersJson))}";

    private static string Show(string s) => JsonSerializer.Serialize(s.Length <= 400 ? s : s[..400] + $"… ({s.Length:N0} chars)");
}

/// <summary>CsCheck generators of hostile orders against one <see cref="AgentUnderFuzz"/>.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class HostileOrders
{
    /// <summary>Kinds whose orders the fuzz sends: every file kind and the storage kinds that take a device or a mount point.</summary>
    /// <remarks>
    /// Left out: data.move (it connects to another unit's address taken from its parameters), the volume kinds (they
    /// create loop files and mount them), maintenance.hold (it only waits) and the process kinds (they act on pids,
    /// not paths). Device names are never those of this machine's disks: the allow-list is empty, but a fuzz must not
    /// be able to format the machine it runs on if that check ever broke.
    /// </remarks>
    public static readonly string[] Kinds =
    [
        "fs.list", "fs.stat", "fs.checksum", "fs.mkdir", "fs.write", "fs.rename", "fs.copy", "fs.delete", "fs.chmod", "fs.chown",
        "storage.mount", "storage.unmount", "storage.mkfs", "storage.partition",
    ];

    private static readonly string[] ReadOnlyKinds = ["fs.list", "fs.stat", "fs.checksum"];

    private static readonly string[] Shell =
        [";", "|", "&", "&&", "$(", ")", "`", "$", "'", "\"", "\\", "\n", "\t", "*", "?", "~", "<", ">", "#", "!", "{", "}", "--", "-rf", " "];

    private static readonly string[] SystemPaths = ["/", "/etc/passwd", "/etc/shadow", "/proc/self/mem", "/root", "/dev/zero", "/tmp"];

    private static readonly string[] Devices =
        ["/dev/ccdsvm-fuzz-none", "/dev/loop9999", "/dev/loop9999p1", "/dev/null", "/dev/zero", "loop9999", "/dev/../dev/loop9999", "", " ", "/dev/", "/dev/\0x"];

    private static Gen<string> Injection(AgentUnderFuzz a) => Gen.OneOf(
        $"; touch {a.PwnedMarker}", $"$(touch {a.PwnedMarker})", $"`touch {a.PwnedMarker}`", $"| touch {a.PwnedMarker}",
        $"x' ; touch {a.PwnedMarker} ; '", $"\ntouch {a.PwnedMarker}\n", $"--output={a.PwnedMarker}", $"loop,touch={a.PwnedMarker}");

    private static Gen<string> Huge => Gen.OneOf(4_097, 10_000, 70_000, 300_000).Select(n => new string('x', n));

    /// <summary>A path in, around and out of the root: through the links out, with '..', empty and '.' segments, shell, huge.</summary>
    public static Gen<string> PathFor(AgentUnderFuzz a, bool mayNameSystemPaths)
    {
        var segment = Pick.Of(
            (4, Gen.OneOf("a.txt", "dir", "new", "b", "x y", ".hidden")),
            (4, Gen.OneOf("..", ".", "", "escape", "escape-file", "dangling", "loop", "swap")),
            (2, Gen.OneOf(Shell)),
            (1, Injection(a)),
            (1, Gen.String[0, 30]),
            (1, Gen.Int[250, 300].Select(n => new string('n', n))));
        var rest = segment.Array[1, 5].Select(s => string.Join('/', s));
        // Plain names too, so that many orders pass the guard and reach the executors, links out included.
        var plain = Gen.OneOf("a.txt", "dir", "new", "b", "x y", ".hidden", "escape", "escape-file", "dangling", "loop", "swap", "secret.txt", "inner.txt")
            .Array[1, 3].Select(s => string.Join('/', s));
        var choices = new List<(int, Gen<string>)>
        {
            (8, plain.Select(s => a.Root + "/" + s)),
            (4, rest.Select(s => a.Root + "/" + s)),
            (2, Gen.OneOf("escape/secret.txt", "escape/dir/inner.txt", "escape-file", "swap/inner.txt", "swap", "escape/dir", "dangling").Select(s => a.Root + "/" + s)),
            (2, rest.Select(s => a.Outside + "/" + s)),
            (1, Gen.OneOf(a.Outside, a.Outside + "/secret.txt", a.Outside + "/dir", a.Root, a.Root + "/", a.MountRoot, a.MountRoot + "/../outside")),
            (1, Gen.Int[1, 12].Select(n => a.Root + string.Concat(Enumerable.Repeat("/..", n)) + a.Outside)),
            (1, rest),
            (1, Gen.Select(Gen.Int[1, 3], rest, (n, s) => a.Root + new string('/', n) + s + new string('/', n))),
            (1, Huge.Select(h => a.Root + "/" + h)),
            (1, Gen.OneOf("", " ", "\0", a.Root + "/a\0b", "relative/path", "~", "*", a.Root + "/*")),
        };
        if (mayNameSystemPaths) choices.Add((1, Gen.OneOf(SystemPaths)));
        return Pick.Of([.. choices]);
    }

    public static Gen<string> Mountpoint(AgentUnderFuzz a) => Pick.Of(
        (4, Gen.OneOf("data", "x", "..", "../outside", "../../etc", "", "a b", "a\tb", "a\\b").Select(s => a.MountRoot + "/" + s)),
        (2, Gen.OneOf(a.MountRoot, a.Outside, a.Root + "/escape", a.MountRoot + "/../outside", "/mnt", "/", "relative", "")),
        (1, Huge.Select(h => a.MountRoot + "/" + h)),
        (1, Injection(a).Select(i => a.MountRoot + "/" + i)));

    /// <summary>Any hostile string value.</summary>
    public static Gen<string> Str(AgentUnderFuzz a) => Pick.Of(
        (3, Gen.OneOf("", " ", "0", "-1", "777", "0777", "4755", "u+s", "root", "nobody", "0:0", "defaults", "noatime", "suid", "dev", "exec,suid",
            "ext4", "xfs", "btrfs", "gpt", "dos", "null", "true")),
        (2, Injection(a)),
        (2, Gen.OneOf(Shell).Array[1, 6].Select(string.Concat)),
        (1, Gen.String[0, 40]),
        (1, Huge));

    /// <summary>A JSON value of any type for a member that should be a string, a number or a boolean.</summary>
    public static Gen<string> WrongType => Gen.OneOf("null", "0", "-1", "1e309", "true", "[]", "{}", "[\"a\"]", "{\"path\":\"/\"}", "\"\\ud800\"");

    /// <summary>The parameters of an order of <paramref name="kind"/>: an object of its members with hostile values, or JSON that is wrong as a whole.</summary>
    public static Gen<string> Parameters(AgentUnderFuzz a, string kind)
    {
        bool readOnly = ReadOnlyKinds.Contains(kind);
        var names = KindContracts.TryGet(kind, out var contract) ? contract.Parameters.Select(p => p.Name).ToArray() : ["path"];
        Gen<string> ValueFor(string name) => name switch
        {
            "path" => PathFor(a, readOnly).Select(Quote),
            "from" => PathFor(a, kind == "fs.copy").Select(Quote),
            "to" => PathFor(a, false).Select(Quote),
            "mountpoint" => Mountpoint(a).Select(Quote),
            "device" => Gen.OneOf(Devices).Select(Quote),
            "content" => Pick.Of((4, Gen.String[0, 100]), (1, Huge), (1, Injection(a))).Select(Quote),
            "recursive" or "parents" or "overwrite" or "persist" or "force" => Gen.OneOf("true", "false"),
            _ => Str(a).Select(Quote),
        };
        var member = Gen.OneOf(names.Select(n => Pick.Of((8, ValueFor(n)), (1, WrongType)).Select(v => Quote(n) + ":" + v)).ToArray());
        var extra = Gen.Select(Gen.OneOf("path", "from", "to", "__proto__", "Path", "PATH", "unknown"), PathFor(a, false), (n, v) => Quote(n) + ":" + Quote(v));
        var wholeKind = Gen.Select(names.Select(n => Pick.Of((8, ValueFor(n)), (1, WrongType)).Select(v => Quote(n) + ":" + v)).ToArray()
            .Aggregate(Gen.Const(new List<string>()), (acc, g) => Gen.Select(acc, g, (l, m) => new List<string>(l) { m })), list => list);
        return Pick.Of(
            (12, Gen.Select(wholeKind, Gen.Int[0, 10], extra, (members, drop, x) =>
                "{" + string.Join(',', members.Where((_, i) => i != drop).Concat(drop == 9 ? [x] : [])) + "}")),
            (2, member.Array[0, 4].Select(m => "{" + string.Join(',', m) + "}")),
            (1, Gen.OneOf("", "not json", "{", "{\"path\":", "[]", "null", "\"x\"", "42", "{\"path\":\"a\",\"path\":\"b\"}", "{'path':'/'}", "\ufeff{}", "{\"path\":\"\\ud800\"}")),
            (1, Gen.Int[65, 5_000].Select(n => new string('[', n) + new string(']', n))),
            (1, Gen.Int[65, 2_000].Select(n => string.Concat(Enumerable.Repeat("{\"path\":", n)) + "1" + new string('}', n))));
    }

    public static Gen<OrderCase> Cases(AgentUnderFuzz a)
    {
        var kind = Pick.Of(
            (20, Gen.OneOf(Kinds)),
            (1, Gen.OneOf("fs.nuke", "", "FS.DELETE", "fs.delete\0", "../fs.delete", "fs.delete ", "system.shell", new string('k', 300))));
        var ticket = Pick.Of(
            (12, Gen.Const(TicketMaking.Genuine)),
            (3, Gen.Const(TicketMaking.GenuineUncanonical)),
            (1, Gen.Enum<TicketMaking>()));
        return Gen.Select(kind, ticket, (k, t) => (k, t)).SelectMany(kt =>
            Parameters(a, Kinds.Contains(kt.k) ? kt.k : "fs.delete").Select(p => new OrderCase(kt.k, kt.t == TicketMaking.ParametersMissing ? null : p, kt.t)));
    }

    public static string Quote(string s) => JsonSerializer.Serialize(s);
}

/// <summary>Weighted choice between generators (typed as <see cref="IGen{T}"/> so overload resolution never picks the constants' overload).</summary>
public static class Pick
{
    public static Gen<T> Of<T>(params (int Weight, Gen<T> Gen)[] choices) =>
        Gen.Frequency(choices.Select(c => (c.Weight, (IGen<T>)c.Gen)).ToArray());
}
