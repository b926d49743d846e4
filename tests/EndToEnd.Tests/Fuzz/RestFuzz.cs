using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace Ccdsvm.EndToEnd.Tests.Fuzz;

/// <summary>Who sends a request.</summary>
public enum Who { Admin, Operator, Anonymous, ForgedToken }

/// <summary>One generated REST request.</summary>
public sealed record RestCase(Operation Operation, string Url, IReadOnlyList<(string Name, string Value)> Headers, Who Who, Body Body)
{
    public override string ToString() =>
        $"{Operation.Method} {(Url.Length > 400 ? Url[..400] + $"… ({Url.Length:N0} chars)" : Url)} as {Who}; body: {Body}" +
        (Headers.Count == 0 ? "" : $"; headers: {string.Join(", ", Headers.Select(h => $"{h.Name}={Body.Preview(h.Value)}"))}");
}

/// <summary>What a request got: its status, content type and the first 64 KiB of its body, or the exception instead.</summary>
public sealed record RestAnswer(int Status, string? ContentType, string Text, Exception? Failure);

/// <summary>Generates REST cases for the operations of <see cref="RestOperations"/> and judges their answers.</summary>
public sealed class RestFuzz(FuzzWorld world, IReadOnlyList<Operation> operations, IReadOnlyDictionary<string, IReadOnlyList<KindParameter>> kinds)
{
    public Gen<RestCase> Cases()
    {
        var weighted = operations.Select(op => (op.Method == "POST" && op.Template == "/api/v1/tasks" ? 40 : 1, Case(op))).ToArray();
        return Pick.Of(weighted);
    }

    private Gen<RestCase> Case(Operation op)
    {
        bool changes = op.Method is not "GET";
        var url = Url(op, changes);
        var headers = Headers(op);
        var who = Pick.Of((12, Gen.Const(Who.Admin)), (6, Gen.Const(Who.Operator)), (1, Gen.Const(Who.Anonymous)), (1, Gen.Const(Who.ForgedToken)));
        var likely = op.Template == "/api/v1/tasks" && op.Method == "POST" ? TaskBody() : Hostile.KnownObject(world, []);
        // Mostly a body of the shape the call takes (so validation goes deep), else anything at all.
        var body = op.Method is "GET" or "DELETE"
            ? Pick.Of((6, Gen.Const(Body.None)), (1, Hostile.Bodies(world, likely)))
            : op.Parameters.Any(p => p.In == "form") ? FormBody(op) : Pick.Of((2, likely.Select(j => Body.Json(j))), (1, Hostile.Bodies(world, likely)));
        return Gen.Select(url, headers, who, body, (u, h, w, b) => new RestCase(op, u, h, w, b));
    }

    /// <summary>The path with every placeholder filled (escaped, or now and then raw), and the query with its declared parameters and strays.</summary>
    private Gen<string> Url(Operation op, bool changes)
    {
        var template = op.Template;
        var names = RestOperations.Placeholders(template).ToList();
        var pathValues = names.Select(n => PathValue(op, n, changes)).ToArray();
        var pathGen = pathValues.Aggregate(Gen.Const(template), (acc, g) => Gen.Select(acc, g.Item2, (t, v) => Replace(t, g.Item1, v)));
        var query = op.Parameters.Where(p => p.In == "query").Select(p => QueryPart(p)).ToArray();
        var extra = Pick.Of((6, Gen.Const("")), (1, Hostile.UrlValue(world).Select(v => $"{Uri.EscapeDataString("x" + v[..Math.Min(v.Length, 50)])}={Uri.EscapeDataString(v)}")));
        var queryGen = query.Aggregate(extra.Select(e => e.Length == 0 ? new List<string>() : [e]), (acc, g) => Gen.Select(acc, g, (l, v) => { if (v is not null) l.Add(v); return l; }));
        return Gen.Select(pathGen, queryGen, (p, q) => q.Count == 0 ? p : p + "?" + string.Join('&', q));
    }

    private (string, Gen<string>) PathValue(Operation op, string name, bool changes)
    {
        var type = op.Parameters.FirstOrDefault(p => p.Name == name)?.Type ?? "string";
        Gen<string> raw = type == "integer"
            ? Pick.Of((4, Hostile.TaskId(world).Select(i => i.ToString(CultureInfo.InvariantCulture))), (1, Hostile.Number), (1, Hostile.UrlValue(world)))
            : name == "route"
                ? Pick.Of((3, Gen.OneOf("data/v1/file", "data/v1/stat", "data/v1/tree", "data/v1/hash", "data/v1/service")), (1, Gen.OneOf("data/v1/../../api/v1/users", "..", "data/v1/file/../../../etc/passwd")), (1, Hostile.UrlValue(world)))
                : Hostile.UrlValue(world);
        // Writes never name the protected units by their exact id: the fuzz must not revoke the units it attacks
        // through (everything else about them is fair game).
        if (changes) raw = raw.Where(v => !FuzzStation.Protected.Contains(v));
        var encoded = Pick.Of(
            (6, raw.Select(v => name == "route" ? string.Join('/', v.Split('/').Select(Uri.EscapeDataString)) : Uri.EscapeDataString(v))),
            (1, raw.Select(v => v.Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal))));
        return (name, encoded.Select(v => v.Length == 0 ? "%20" : v));
    }

    private static string Replace(string template, string name, string value) =>
        RestOperations.PlaceholderPattern().Replace(template, m => m.Groups[1].Value == name ? value : m.Value, 1);

    private Gen<string?> QueryPart(OperationParameter p)
    {
        Gen<string> value = p.Type switch
        {
            "integer" or "number" => Pick.Of((3, Hostile.Number), (1, Hostile.UrlValue(world))),
            "boolean" => Pick.Of((3, Gen.OneOf("true", "false")), (1, Hostile.UrlValue(world))),
            _ => Hostile.UrlValue(world),
        };
        return Pick.Of((2, Gen.Const(() => (string?)null)), (5, value.Select(v => (string?)$"{p.Name}={Uri.EscapeDataString(v)}")));
    }

    private Gen<IReadOnlyList<(string, string)>> Headers(Operation op)
    {
        var declared = op.Parameters.Where(p => p.In == "header").ToArray();
        if (declared.Length == 0) return Gen.Const<IReadOnlyList<(string, string)>>([]);
        var value = Hostile.Str(world).Select(HeaderSafe);
        return declared.Aggregate(Gen.Const<IReadOnlyList<(string, string)>>([]), (acc, p) =>
            Gen.Select(acc, Pick.Of((1, Gen.Const(() => (string?)null)), (2, value.Select(v => (string?)v))), (l, v) => v is null ? l : [.. l, (p.Name, v)]));
    }

    /// <summary>A header value HTTP can carry (no control characters, at most 4 KiB), hostile otherwise.</summary>
    private static string HeaderSafe(string s)
    {
        var safe = new string([.. s.Where(c => c is >= ' ' and <= '~')]);
        return safe.Length > 4096 ? safe[..4096] : safe;
    }

    private Gen<Body> FormBody(Operation op)
    {
        var fields = op.Parameters.Where(p => p.In == "form").Select(p => p.Name).ToArray();
        var values = Hostile.Str(world).Select(v => v.Replace("admin", "admin-not", StringComparison.OrdinalIgnoreCase)).Array[fields.Length];
        return Gen.Select(values, Gen.Bool, (vs, drop) =>
        {
            var text = string.Join('&', fields.Select((f, i) => $"{f}={Uri.EscapeDataString(vs[i].Length > 5000 ? vs[i][..5000] : vs[i])}").Where((_, i) => !drop || i % 2 == 0));
            return Body.Raw(Encoding.UTF8.GetBytes(text), "application/x-www-form-urlencoded", Body.Preview(text));
        });
    }

    /// <summary>A task submission: a documented kind (now and then not), a unit, and parameters that kind takes with hostile values.</summary>
    private Gen<string> TaskBody()
    {
        var kindNames = kinds.Keys.ToArray();
        var kind = Pick.Of((12, Gen.OneOf(kindNames)), (1, Hostile.Str(world)));
        var target = Pick.Of((6, Gen.Const("station")), (3, Gen.Const("fuzz-unit-a")), (2, Gen.OneOf(world.Units.ToArray())), (1, Hostile.Str(world)));
        var wait = Pick.Of((5, Gen.Const("")), (1, Hostile.Number.Select(n => ",\"waitSeconds\":" + n)), (1, Hostile.Json(world, 1).Select(n => ",\"waitSeconds\":" + n)));
        return kind.SelectMany(k =>
        {
            var parameters = kinds.TryGetValue(k, out var spec) ? Parameters(spec, 0) : Hostile.KnownObject(world, []);
            var wrapped = Pick.Of((10, parameters), (1, Hostile.Json(world, 2)), (1, Gen.Const("null")));
            return Gen.Select(target, wrapped, wait, (t, p, w) => $"{{\"kind\":{Hostile.Quote(k)},\"target\":{Hostile.Quote(t)},\"parameters\":{p}{w}}}");
        });
    }

    private Gen<string> Parameters(IReadOnlyList<KindParameter> spec, int depth)
    {
        if (spec.Count == 0) return Pick.Of((4, Gen.Const("{}")), (1, Hostile.KnownObject(world, [])));
        var members = spec.Select(p => Member(p, depth)).ToArray();
        var stray = Pick.Of((8, Gen.Const(() => (string?)null)), (1, Gen.Select(Gen.OneOf(world.MemberNames.ToArray()), Hostile.Json(world, 1), (n, v) => (string?)$"{Hostile.Quote(n)}:{v}")));
        var all = members.Aggregate(stray.Select(s => s is null ? new List<string>() : [s]), (acc, g) => Gen.Select(acc, g, (l, m) => { if (m is not null) l.Add(m); return l; }));
        return all.Select(l => "{" + string.Join(',', l) + "}");
    }

    /// <summary>A member of a kind's parameters: usually of its type with a hostile value, sometimes of another type, sometimes left out.</summary>
    private Gen<string?> Member(KindParameter p, int depth)
    {
        Gen<string> typed = p.Type switch
        {
            "integer" or "number" => Hostile.Number,
            "boolean" => Gen.OneOf("true", "false"),
            "object" when depth < 2 => Parameters(p.Members, depth + 1),
            "array" => Hostile.StringLiteral(world).Array[0, 4].Select(a => "[" + string.Join(',', a) + "]"),
            _ when p.Name is "unit" => Gen.OneOf(world.Units.Where(u => !FuzzStation.Protected.Contains(u)).ToArray()).Select(Hostile.Quote),
            _ when p.Name.Contains("path", StringComparison.OrdinalIgnoreCase) || p.Name is "resource" or "source" or "destination" or "device" or "target"
                => Pick.Of((3, Hostile.PathIn(world)), (1, Hostile.Str(world))).Select(Hostile.Quote),
            _ => Hostile.StringLiteral(world),
        };
        var value = Pick.Of((8, typed), (1, Hostile.Json(world, 1)));
        return Pick.Of((10, value.Select(v => (string?)$"{Hostile.Quote(p.Name)}:{v}")), (1, Gen.Const(() => (string?)null)));
    }

    /// <summary>Sends a case as its identity; never throws for what the station answers.</summary>
    public static async Task<RestAnswer> SendAsync(HttpClient http, RestCase c, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Operation.Method), c.Url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in c.Headers) request.Headers.TryAddWithoutValidation(name, value);
        if (c.Body.Bytes is { } bytes)
        {
            request.Content = new ByteArrayContent(bytes);
            // As a careful client sends a large body: the station may refuse before reading it (a wrong content type,
            // no right), and without "Expect: 100-continue" the refusal and the closing connection raced the upload
            // under load ("Error while copying content to a stream" for a 43 KB body, and for a 229 KB body on a path with
            // an encoded NUL, which Kestrel refuses before the application sees it). The handler waits up to 15 s for
            // the station's "100 Continue" (FuzzTests), so a loaded station is not taken for one that said nothing.
            if (bytes.Length > 16 * 1024) request.Headers.ExpectContinue = true;
            if (!string.IsNullOrEmpty(c.Body.ContentType) && MediaTypeHeaderValue.TryParse(c.Body.ContentType, out var type)) request.Content.Headers.ContentType = type;
        }
        // An event stream answers with its first event, which a unit that sends none never gives: a stream still
        // open after a few seconds is a stream, not a hang.
        using var deadline = new CancellationTokenSource(c.Operation.Streams ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(30));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var text = await ReadSomeAsync(response);
            return new RestAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, null);
        }
        catch (OperationCanceledException) when (c.Operation.Streams && deadline.IsCancellationRequested)
        {
            return new RestAnswer(StreamOpen, "text/event-stream", "", null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new RestAnswer(0, null, "", ex);
        }
    }

    /// <summary>At most 64 KiB of the answer, within 5 s: a download or a live stream is not read to its end.</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[64 * 1024];
            int total = 0, read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cts.Token)) > 0) total += read;
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (OperationCanceledException) { return "(a stream still open after 5 s)"; }
    }

    /// <summary>The status recorded for an event stream that is open and has not sent an event yet.</summary>
    public const int StreamOpen = -1;

    /// <summary>Null when the answer is acceptable, or why not: a 5xx, no answer, or a 4xx that does not say why.</summary>
    public static string? Judge(RestCase c, RestAnswer a)
    {
        if (a.Failure is not null)
        {
            // Kestrel may close the connection while a body far over its limits is still being sent: a refusal, not a crash.
            bool huge = c.Body.Bytes is { Length: > 256 * 1024 } || c.Url.Length > 8000;
            return huge ? null : $"no answer: {a.Failure.GetType().Name}: {a.Failure.Message}";
        }
        if (a.Status >= 500) return $"{a.Status}: {Body.Preview(a.Text)}";
        if (a.Status is >= 400 and < 500)
        {
            // Kestrel answers these before the application sees the request, without a body: a request line too long,
            // headers too large, and a path with an encoded NUL (it refuses to decode one).
            if (a.Status is 414 or 431) return null;
            if (a.Status == 400 && a.Text.Length == 0 && a.ContentType is null && c.Url.Split('?')[0] is var path && (path.Contains("%00", StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))) return null;
            string message = Message(a);
            if (string.IsNullOrWhiteSpace(message)) return $"{a.Status} without a message (content type {a.ContentType ?? "none"}): '{Body.Preview(a.Text)}'";
        }
        return null;
    }

    /// <summary>The problem's detail, else its title, else a plain-text body.</summary>
    private static string Message(RestAnswer a)
    {
        if (a.ContentType?.Contains("json", StringComparison.Ordinal) == true)
        {
            try
            {
                using var doc = JsonDocument.Parse(a.Text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in new[] { "detail", "title", "error", "message" })
                        if (doc.RootElement.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(m.GetString()))
                            return m.GetString()!;
                }
            }
            catch (JsonException)
            {
                // Only the first 64 KiB were read (a problem that quotes a long value back): its detail is still there.
                var detail = System.Text.RegularExpressions.Regex.Match(a.Text, "\"(detail|title)\":\"([^\"]+)");
                if (detail.Success) return detail.Groups[2].Value;
            }
            return "";
        }
        return a.ContentType?.StartsWith("text/", StringComparison.Ordinal) == true ? a.Text.Trim() : "";
    }

    /// <summary>Counts of statuses seen, for the summary.</summary>
    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    /// <summary>Counts of cases per operation, for the summary.</summary>
    public ConcurrentDictionary<string, int> PerOperation { get; } = new();
}
