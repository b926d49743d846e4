using System.Globalization;
using System.Text;
using CsCheck;

namespace Ccdsvm.EndToEnd.Tests.Fuzz;

/// <summary>
/// What the fuzz knows about the station it attacks: the roots of its own unit, a sentinel tree outside every root
/// (with links to it from inside the root, one of them swapped back and forth while the fuzz runs), the ids of
/// other units and of tasks that exist, and a marker file a shell injection would create.
/// </summary>
public sealed record FuzzWorld(
    string Root,
    string SentinelDir,
    string PwnedMarker,
    IReadOnlyList<string> Units,
    Func<IReadOnlyList<long>> TaskIds,
    IReadOnlyList<string> MemberNames,
    IReadOnlyList<string> Users);

/// <summary>CsCheck generators of hostile values: strings, paths, numbers and JSON text (valid, malformed, huge, deep, not UTF-8).</summary>
public static class Hostile
{
    private static readonly string[] Shell =
    [
        ";", "|", "&", "&&", "||", "$(", ")", "`", "$", "'", "\"", "\\", "\n", "\r\n", "\t", "*", "?", "~", "<", ">", ">>", "#", "!", "{", "}", "--", "-rf", " ",
    ];

    private static readonly string[] Odd =
    [
        "", " ", ".", "..", "...", "/", "//", "/.", "/..", "%2e%2e", "%2e%2e%2f", "..%2f", "%00", "\0", "a\0b", "\u202e", "\ufeff", "\ud800", "\udfff",
        "💥", "ñ", "İ", "ﬃ", "null", "true", "false", "NaN", "-1", "0", "1e309", "9223372036854775808", "-9223372036854775809", "[]", "{}",
        "/dev/null", "/dev/zero", "/dev/sda", "/dev/loop0", "/dev/loop999", "/dev/disk/by-id/../../sda", "sda", "sdb1", "nvme0n1p1", "/proc/self/mem",
        "/etc/passwd", "/etc/shadow", "/etc/fstab", "/", "/root", "/tmp", "C:\\Windows", "\\\\server\\share", "~root", "*", "?", "@", "@group",
        "<script>alert(1)</script>", "' OR '1'='1", "\"; DROP TABLE tasks; --", "${jndi:ldap://x}", "{{7*7}}", "%s%s%s%n", "ext4", "xfs", "btrfs",
        "Admin", "Operator", "NoAccess", "Viewer", "TERM", "KILL", "HUP", "create", "delete", "grant", "revoke", "move", "copy",
    ];

    /// <summary>A command that would leave the marker behind if any string ever reached a shell.</summary>
    private static IEnumerable<string> Injections(string marker) =>
    [
        $"; touch {marker}", $"$(touch {marker})", $"`touch {marker}`", $"| touch {marker}", $"&& touch {marker}", $"\ntouch {marker}\n",
        $"x' ; touch {marker} ; '", $"x\" ; touch {marker} ; \"", $"-o loop,touch={marker}", $"--output={marker}",
    ];

    public static Gen<string> Text => Pick.Of(
        (3, Gen.String),
        (2, Gen.Char.Array[0, 40].Select(c => new string(c))),
        (1, Gen.Char['\0', '\u00ff'].Array[0, 20].Select(c => new string(c))));

    /// <summary>A path: inside the root or around it, through the escaping and the swapped links, with '..', NUL, shell and devices.</summary>
    public static Gen<string> PathIn(FuzzWorld w)
    {
        var segment = Pick.Of(
            (4, Gen.OneOf("a", "b", "dir", "file.txt", "new", "x y", ".hidden")),
            (3, Gen.OneOf("..", ".", "", "escape", "swap", "escape-file", "loop", "dangling")),
            (2, Gen.OneOf(Shell)),
            (1, Gen.OneOf(Injections(w.PwnedMarker).ToArray())),
            (1, Text));
        var segments = segment.Array[1, 5].Select(s => string.Join('/', s));
        return Pick.Of(
            (5, segments.Select(s => w.Root + "/" + s)),
            (2, segments.Select(s => w.SentinelDir + "/" + s)),
            (1, Gen.Const(w.SentinelDir)),
            (1, segments.Select(s => "/" + s)),
            (1, segments),
            (1, Gen.OneOf(Odd)),
            (1, Gen.Int[1, 40].Select(n => w.Root + string.Concat(Enumerable.Repeat("/..", n)) + w.SentinelDir)),
            (1, Gen.Int[100, 5000].Select(n => w.Root + "/" + new string('a', n))));
    }

    /// <summary>Any hostile string: odd values, shell, other units and users, paths, random text, sometimes long.</summary>
    public static Gen<string> Str(FuzzWorld w) => Pick.Of(
        (4, Gen.OneOf(Odd)),
        (3, PathIn(w)),
        (2, Gen.OneOf(w.Units.ToArray())),
        (1, Gen.OneOf(w.Users.ToArray())),
        (2, Gen.OneOf(Injections(w.PwnedMarker).ToArray())),
        (2, Text),
        (1, Gen.OneOf(Shell).Array[1, 8].Select(string.Concat)),
        (1, Gen.Int[1_000, 70_000].Select(n => new string('x', n))));

    /// <summary>A short hostile string for the URL (path segment or query value), kept well under Kestrel's limits most of the time.</summary>
    public static Gen<string> UrlValue(FuzzWorld w) => Pick.Of(
        (12, Str(w).Select(s => s.Length > 600 ? s[..600] : s)),
        (2, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (1, TaskId(w).Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Int[6_000, 20_000].Select(n => new string('q', n))));

    public static Gen<long> TaskId(FuzzWorld w) => Pick.Of(
        (3, Gen.Int[0, 10_000].Select(i => { var ids = w.TaskIds(); return ids.Count == 0 ? 1L : ids[i % ids.Count]; })),
        (1, Gen.OneOf(0L, -1L, 1L, long.MaxValue, long.MinValue, int.MaxValue + 1L)),
        (1, Gen.Long));

    /// <summary>A JSON number as text: ordinary, at the edges of every type, or out of every range.</summary>
    public static Gen<string> Number => Pick.Of(
        (3, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.OneOf("0", "-0", "1", "-1", "0.5", "1e309", "-1e309", "1e-400", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "2147483648", "4294967296", "1.7976931348623157e308", "123456789012345678901234567890", "1E2", "0.0000001")),
        (1, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))));

    /// <summary>A JSON string literal; sometimes with an escaped lone surrogate, which is valid JSON but not valid text.</summary>
    public static Gen<string> StringLiteral(FuzzWorld w) => Pick.Of(
        (12, Str(w).Select(Quote)),
        (1, Gen.OneOf("\"\\ud800\"", "\"a\\udfffb\"", "\"\\u0000\"", "\"\\uD83D\"")));

    /// <summary>A JSON value as text, nested to <paramref name="depth"/>, with member names the station knows.</summary>
    public static Gen<string> Json(FuzzWorld w, int depth = 3)
    {
        var scalar = Pick.Of(
            (4, StringLiteral(w)),
            (3, Number),
            (1, Gen.OneOf("true", "false", "null")));
        if (depth == 0) return scalar;
        var inner = Json(w, depth - 1);
        var name = Pick.Of((4, Gen.OneOf(w.MemberNames.ToArray())), (1, Str(w).Select(s => s.Length > 100 ? s[..100] : s)));
        var member = Gen.Select(name, inner, (n, v) => Quote(n) + ":" + v);
        return Pick.Of(
            (5, scalar),
            (3, member.Array[0, 6].Select(m => "{" + string.Join(',', m) + "}")),
            (2, inner.Array[0, 5].Select(a => "[" + string.Join(',', a) + "]")));
    }

    /// <summary>An object whose members the station knows, each with a hostile value (the usual way in to deep validation).</summary>
    public static Gen<string> KnownObject(FuzzWorld w, IReadOnlyList<string> names)
    {
        var value = Pick.Of(
            (4, StringLiteral(w)),
            (3, PathIn(w).Select(Quote)),
            (2, Number),
            (1, Json(w, 2)),
            (1, Gen.OneOf("true", "false", "null")));
        var pool = names.Count == 0 ? w.MemberNames.ToArray() : names.ToArray();
        return Gen.Select(Gen.OneOf(pool).Array[0, Math.Min(8, pool.Length + 1)], value.Array[8], (ns, vs) =>
            "{" + string.Join(',', ns.Distinct().Select((n, i) => Quote(n) + ":" + vs[i])) + "}");
    }

    /// <summary>A request body: bytes and the Content-Type it is sent with.</summary>
    public static Gen<Body> Bodies(FuzzWorld w, Gen<string> likely)
    {
        var json = Pick.Of((6, likely), (2, Json(w)), (1, KnownObject(w, [])));
        return Pick.Of(
            (20, json.Select(j => Body.Json(j))),
            (2, Gen.Int[2, 20_000].Select(n => Body.Json(new string('[', n) + new string(']', n), $"nested {n} deep"))),
            (1, Gen.Int[2, 5_000].Select(n => Body.Json(string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n), $"{n} nested objects"))),
            (1, Gen.Int[200_000, 600_000].Select(n => Body.Json("{\"path\":\"" + new string('p', n) + "\"}", $"{n:N0}-byte string"))),
            (2, Gen.Select(likely, Gen.Byte.Array[1, 8], Gen.Int[0, 1000], (j, bad, at) => Body.Raw(InvalidUtf8(j, bad, at), "application/json", "invalid UTF-8"))),
            (2, Gen.Select(likely, Gen.Int[0, 1000], (j, cut) => Body.Json(j[..Math.Min(j.Length, cut)], "truncated"))),
            (1, Gen.OneOf("", "null", "[]", "0", "\"x\"", "{", "}", "{\"a\":1,\"a\":2}", "{'a':1}", "{a:1}", "/* c */ {}", "{}  {}", "\ufeff{}")
                .Select(j => Body.Json(j))),
            (2, Gen.Select(json, Gen.OneOf("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=latin1", "application/json; charset=utf-16", "application/problem+json", "application/jsonx", ""),
                (j, ct) => Body.Raw(Encoding.UTF8.GetBytes(j), ct, $"as {ct}"))),
            (1, Gen.Byte.Array[0, 3000].Select(b => Body.Raw(b, "application/octet-stream", "random bytes"))),
            (3, Gen.Const(Body.None)));
    }

    private static byte[] InvalidUtf8(string json, byte[] bad, int at)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        // Lone continuation bytes, overlong forms, surrogates encoded in UTF-8, bytes never valid.
        byte[][] forms = [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xFE], [0xC3], [0xF4, 0x90, 0x80, 0x80]];
        var insert = forms[bad[0] % forms.Length].Concat(bad.Skip(1).Where(b => b >= 0x80)).ToArray();
        // Inside a string literal where possible, so the JSON stays well-formed apart from its encoding.
        int quote = json.IndexOf('"', StringComparison.Ordinal);
        int position = quote >= 0 && at % 2 == 0 ? Encoding.UTF8.GetByteCount(json[..(quote + 1)]) : Math.Min(at, bytes.Count);
        bytes.InsertRange(position, insert);
        return [.. bytes];
    }

    public static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}

/// <summary>A request body: raw bytes and their Content-Type (null: no body at all).</summary>
public sealed record Body(byte[]? Bytes, string? ContentType, string Description)
{
    public static readonly Body None = new(null, null, "no body");

    public static Body Json(string text, string? description = null) =>
        new(Encoding.UTF8.GetBytes(text), "application/json", description ?? Preview(text));

    public static Body Raw(byte[] bytes, string contentType, string description) => new(bytes, contentType, description);

    public static string Preview(string text) => text.Length <= 300 ? text : text[..300] + $"… ({text.Length:N0} chars)";

    public override string ToString() => $"{ContentType ?? "-"} {Description}";
}

/// <summary>Weighted choice between generators (typed as <see cref="IGen{T}"/> so overload resolution never picks the constants' overload).</summary>
public static class Pick
{
    public static Gen<T> Of<T>(params (int Weight, Gen<T> Gen)[] choices) =>
        Gen.Frequency(choices.Select(c => (c.Weight, (IGen<T>)c.Gen)).ToArray());
}
