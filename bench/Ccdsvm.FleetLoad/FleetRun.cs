using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.FleetLoad;

/// <summary>
/// One run: a fleet token for N units, enrolment and connection of every unit, a steady phase of --duration seconds in
/// which tasks are submitted over REST at --tasks-per-second to connected units (maintenance.hold and fs.checksum in
/// turn), a drain, a check of each submitted task's end state at the station, and the closing figures. With --until-file
/// the run goes on after --duration until that file exists (the station may be killed and restarted meanwhile: the
/// units come back as the agent does), then drains. Progress lines starting "fleetload:" mark each phase.
/// </summary>
public sealed class FleetRun(FleetOptions options) : IDisposable
{
    /// <summary>The enrolment and connection phases together take at most this long before the steady phase starts anyway.</summary>
    public static readonly TimeSpan ConnectPhaseLimit = TimeSpan.FromMinutes(3);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<long, long> _submittedAt = new();
    private readonly ConcurrentBag<long> _taskIds = [];
    private int _busy, _lost, _reconnected, _resultsOk, _resultsFailed, _submitted, _accepted, _refused;
    private long _seq;

    public FleetOptions Options => options;
    public Network Network { get; } = new(options);
    public Errors Errors { get; } = new();
    public Latencies Heartbeats { get; } = new();
    public Latencies Dispatch { get; } = new();
    public Latencies Submits { get; } = new();
    public TaskFigures Tasks { get; } = new();
    public SemaphoreSlim ConnectGate { get; } = new(options.ConnectParallel);

    private readonly string _root = Directory.CreateTempSubdirectory("ccdsvm-fleetload-").FullName;

    private long _firstLost, _lastReconnected;

    public void Lost()
    {
        Interlocked.Increment(ref _lost);
        Interlocked.CompareExchange(ref _firstLost, Stopwatch.GetTimestamp(), 0);
    }

    /// <summary>From the first lost connection to the last unit back (a station killed and restarted under the fleet).</summary>
    private double? ReconnectSeconds => _firstLost == 0 || _lastReconnected == 0 ? null
        : Math.Round(Stopwatch.GetElapsedTime(_firstLost, _lastReconnected).TotalSeconds, 2);

    /// <summary>The station answered 503: it bounds concurrent handshakes and enrolments.</summary>
    public void Busy() => Interlocked.Increment(ref _busy);

    /// <summary>A unit is back, <paramref name="lostAt"/> being when it lost its connection (Stopwatch timestamp).</summary>
    public void Reconnected(long lostAt)
    {
        Interlocked.Increment(ref _reconnected);
        long now = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _lastReconnected, now);
        ReconnectTimes.AddSince(lostAt);
        if (_firstLost != 0) _backBySecond.AddOrUpdate((int)Stopwatch.GetElapsedTime(_firstLost, now).TotalSeconds, 1, (_, n) => n + 1);
    }

    /// <summary>Per unit: from losing its connection to being back (announced).</summary>
    public Latencies ReconnectTimes { get; } = new();

    private readonly ConcurrentDictionary<string, int> _retryFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, int> _backBySecond = new();

    /// <summary>A reconnect attempt failed; counted by its reason (what held the fleet's return back).</summary>
    public void RetryFailed(Exception ex)
    {
        string message = ex.Message;
        int cut = message.IndexOfAny(['(', '\'', '"']);
        string reason = ex.GetType().Name + ": " + (cut > 0 ? message[..cut] : message)[..Math.Min(60, cut > 0 ? cut : message.Length)].Trim();
        _retryFailures.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    /// <summary>How many units were back by each 5 s after the first loss (cumulative), and why attempts failed.</summary>
    private JsonObject ReconnectProfile()
    {
        var buckets = new JsonObject();
        int sum = 0;
        foreach (var group in _backBySecond.GroupBy(kv => kv.Key / 5 * 5).OrderBy(g => g.Key))
        {
            sum += group.Sum(kv => kv.Value);
            buckets[$"{group.Key + 5}s"] = sum;
        }
        var reasons = new JsonObject();
        foreach (var (reason, n) in _retryFailures.OrderByDescending(kv => kv.Value)) reasons[reason] = n;
        return new JsonObject { ["backWithin"] = buckets, ["failedAttempts"] = reasons, ["perUnit"] = Summary(ReconnectTimes.Summary()) };
    }

    public void ResultSent(bool ok) => Interlocked.Increment(ref ok ? ref _resultsOk : ref _resultsFailed);

    /// <summary>An order reached its unit: the dispatch latency runs from the moment the REST call was sent.</summary>
    public void Seen(TaskOrder order)
    {
        long seq = SequenceOf(order.ParametersJson);
        if (seq > 0 && _submittedAt.TryRemove(seq, out long start)) Dispatch.AddSince(start);
    }

    private static long SequenceOf(string parametersJson)
    {
        // The submission's sequence number travels in the parameters: "fleetload #n" as a hold's reason, t{n}.bin as a checksum's file.
        using var doc = JsonDocument.Parse(parametersJson);
        var r = doc.RootElement;
        string? text = r.TryGetProperty("reason", out var reason) ? reason.GetString()?.Replace("fleetload #", "", StringComparison.Ordinal)
            : r.TryGetProperty("path", out var path) ? Path.GetFileNameWithoutExtension(path.GetString())?.TrimStart('t') : null;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seq) ? seq : 0;
    }

    public async Task<JsonObject> RunAsync()
    {
        var all = Stopwatch.StartNew();
        var baseline = await BaselineAsync().ConfigureAwait(false);

        // The fleet token: one for all N units.
        using var created = await Network.Admin.PostAsJsonAsync("/api/v1/enrolments",
            new { count = options.Agents, expiresInMinutes = 120, note = $"fleet load {options.Prefix}: {options.Agents} simulated units" }).ConfigureAwait(false);
        if (created.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"the station refused the fleet token: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        string token = (await created.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false)).GetProperty("token").GetString()!;

        var units = Enumerable.Range(0, options.Agents).Select(i =>
        {
            string name = $"{options.Prefix}-{i:D5}";
            return new SimulatedUnit(i, name, Directory.CreateDirectory(Path.Combine(_root, name)).FullName, this);
        }).ToArray();

        using var connectLimit = new CancellationTokenSource(ConnectPhaseLimit);
        var enrolWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = options.EnrolParallel, CancellationToken = connectLimit.Token },
            async (u, ct) =>
            {
                try { await u.EnrolAsync(token, ct).ConfigureAwait(false); }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { Errors.Add($"enrol {u.Name}: {ex.Message}"); }
            }).ConfigureAwait(false);
        double enrolSeconds = enrolWatch.Elapsed.TotalSeconds;

        var connectWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = options.ConnectParallel, CancellationToken = connectLimit.Token },
            async (u, ct) =>
            {
                const int attempts = 30;
                for (int attempt = 0; attempt < attempts && !ct.IsCancellationRequested; attempt++)
                {
                    if (await u.ConnectAsync(ct, countFailure: attempt == attempts - 1).ConfigureAwait(false)) return;
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(100, 1000)), ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        double connectSeconds = connectWatch.Elapsed.TotalSeconds;
        int connected = units.Count(u => u.Connected);
        int online = await OnlineAtStationAsync().ConfigureAwait(false);
        Console.WriteLine($"fleetload: connected {connected} of {options.Agents}, {online} online at the station");

        // Idle: every unit connected and beating, no task. The station's memory and CPU then, when its pid is known.
        var probes = new JsonObject();
        var self = new ProcessProbe(Environment.ProcessId);
        if (options.StationPid is { } pid && options.IdleSeconds > 0)
        {
            var station = new ProcessProbe(pid);
            // A station just started still compiles its hot paths again (tiered JIT) for a minute: --idle-settle skips that.
            if (options.IdleSettleSeconds > 0) await Task.Delay(TimeSpan.FromSeconds(options.IdleSettleSeconds)).ConfigureAwait(false);
            var (stationCpu, selfCpu) = await ProcessProbe.CpuOverAsync(station, self, TimeSpan.FromSeconds(options.IdleSeconds)).ConfigureAwait(false);
            probes["stationRssMiB"] = station.RssBytes() / 1024 / 1024;
            probes["stationIdleCpuPercent"] = stationCpu;
            probes["generatorIdleCpuPercent"] = selfCpu;
            probes["idleSeconds"] = options.IdleSeconds;
            probes["idleSettleSeconds"] = options.IdleSettleSeconds;
        }
        probes["generatorRssMiB"] = self.RssBytes() / 1024 / 1024;

        if (options.StartFile is { } startFile)
        {
            Console.WriteLine($"fleetload: waiting for {startFile} before submitting");
            while (!File.Exists(startFile)) await Task.Delay(200).ConfigureAwait(false);
        }

        // Steady phase: heartbeats run; tasks go out at the asked rate.
        var steady = Stopwatch.StartNew();
        var live = units.Where(u => u.Connected).ToArray();
        var submissions = new List<Task>();
        if (options.TasksPerSecond > 0 && live.Length > 0)
        {
            var period = TimeSpan.FromMilliseconds(10);
            using var timer = new PeriodicTimer(period);
            long due = 0;
            // With --until-file and --max-tasks, submitting goes on past --duration until the M tasks are in.
            bool untilAll = options.UntilFile is not null && options.MaxTasks < int.MaxValue;
            while ((steady.Elapsed < options.Duration || untilAll) && _submitted < options.MaxTasks && await timer.WaitForNextTickAsync().ConfigureAwait(false))
            {
                long target = (long)(steady.Elapsed.TotalSeconds * options.TasksPerSecond);
                for (; due < target && _submitted < options.MaxTasks; due++)
                {
                    bool hold = options.HoldsOnly || due % 2 == 0;
                    var unit = live[(int)(due % live.Length)];
                    string? group = null;
                    if (hold && options.LockGroups > 0)
                    {
                        // A hold's lock is the unit's own resource: the holds of one group go to one unit, one after another.
                        long g = due / 2 % options.LockGroups;
                        unit = live[(int)(g * 2 % live.Length)];
                        group = $"fleetload/g{g}";
                    }
                    submissions.Add(SubmitAsync(unit, hold, group));
                }
            }
        }
        await Task.WhenAll(submissions).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Console.WriteLine($"fleetload: submitted {_submitted} tasks, {_accepted} accepted, {_refused} refused");
        var rest = options.Duration - steady.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest).ConfigureAwait(false);
        if (options.UntilFile is { } until)
        {
            Console.WriteLine($"fleetload: waiting for {until}");
            while (!File.Exists(until)) await Task.Delay(200).ConfigureAwait(false);
        }

        // Drain: the tasks in flight end (a hold lasts --hold-seconds) and every result is delivered (after a restart the
        // units first come back), then the station is asked how each ended.
        var drainUntil = DateTime.UtcNow + TimeSpan.FromSeconds(options.HoldSeconds + (options.UntilFile is null ? 15 : 90));
        while (DateTime.UtcNow < drainUntil && (units.Any(u => u.Running > 0 || u.Undelivered > 0 || !u.Connected) || _resultsOk + _resultsFailed < _accepted))
            await Task.Delay(100).ConfigureAwait(false);
        var states = await TaskStatesAsync().ConfigureAwait(false);
        int connectedAtEnd = units.Count(u => u.Connected);
        int onlineAtEnd = await OnlineAtStationAsync().ConfigureAwait(false);

        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (u, _) => await u.StopAsync().ConfigureAwait(false)).ConfigureAwait(false);

        var dispatch = Dispatch.Summary();
        return new JsonObject
        {
            ["agents"] = options.Agents,
            ["enrolled"] = units.Length - Errors.Samples.Count(s => s.StartsWith("enrol", StringComparison.Ordinal)),
            ["connected"] = connected,
            ["onlineAtStation"] = online,
            ["enrolSeconds"] = Math.Round(enrolSeconds, 2),
            ["connectSeconds"] = Math.Round(connectSeconds, 2),
            ["dispatch"] = Summary(dispatch),
            ["submit"] = Summary(Submits.Summary()),
            ["baselineRoundTrip"] = Summary(baseline),
            ["heartbeat"] = Summary(Heartbeats.Summary()),
            ["tasks"] = new JsonObject
            {
                ["submitted"] = _submitted, ["accepted"] = _accepted, ["refused"] = _refused,
                ["resultsSucceeded"] = _resultsOk, ["resultsFailed"] = _resultsFailed,
                ["succeeded"] = states.GetValueOrDefault("succeeded"), ["failed"] = states.GetValueOrDefault("failed"),
                ["other"] = states.Where(kv => kv.Key is not ("succeeded" or "failed")).Sum(kv => kv.Value),
            },
            ["busyAnswers"] = _busy,
            ["lost"] = _lost,
            ["reconnected"] = _reconnected,
            ["reconnectSeconds"] = ReconnectSeconds,
            ["reconnect"] = _reconnected > 0 ? ReconnectProfile() : null,
            ["perTask"] = Tasks.Summary(),
            ["connectedAtEnd"] = connectedAtEnd,
            ["onlineAtEnd"] = onlineAtEnd,
            ["idle"] = probes,
            ["stationRssMiBAtEnd"] = options.StationPid is { } p ? new ProcessProbe(p).RssBytes() / 1024 / 1024 : null,
            ["seconds"] = Math.Round(all.Elapsed.TotalSeconds, 1),
            ["errors"] = Errors.Count,
            ["errorSamples"] = new JsonArray([.. Errors.Samples.Select(s => (JsonNode?)JsonValue.Create(s))]),
        };
    }

    private static JsonObject Summary(LatencySummary s) => new() { ["count"] = s.Count, ["p50"] = s.P50, ["p99"] = s.P99, ["max"] = s.Max };

    private async Task SubmitAsync(SimulatedUnit unit, bool hold, string? group)
    {
        long seq = Interlocked.Increment(ref _seq);
        Interlocked.Increment(ref _submitted);
        object parameters;
        if (hold)
            parameters = new { resource = group ?? $"fleetload/{seq}", seconds = options.HoldSeconds, reason = $"fleetload #{seq}" };
        else
        {
            string file = Path.Combine(_root, unit.Name, $"t{seq}.bin");
            var bytes = new byte[4096];
            Random.Shared.NextBytes(bytes);
            await File.WriteAllBytesAsync(file, bytes).ConfigureAwait(false);
            parameters = new { path = file };
        }
        long start = Stopwatch.GetTimestamp();
        _submittedAt[seq] = start;
        try
        {
            using var response = await Network.Admin.PostAsJsonAsync("/api/v1/tasks",
                new { kind = hold ? TaskKinds.MaintenanceHold : TaskKinds.FsChecksum, target = unit.Name, parameters }).ConfigureAwait(false);
            Submits.AddSince(start);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref _accepted);
                _taskIds.Add((await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false)).GetProperty("id").GetInt64());
            }
            else
            {
                Interlocked.Increment(ref _refused);
                _submittedAt.TryRemove(seq, out _);
                Errors.Add($"submit to {unit.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _submittedAt.TryRemove(seq, out _);
            Errors.Add($"submit to {unit.Name}: {ex.Message}");
        }
    }

    /// <summary>The bare REST round trip (GET /healthz, 50 in a row) beside which the dispatch latency is read.</summary>
    private async Task<LatencySummary> BaselineAsync()
    {
        var bare = new Latencies();
        for (int i = 0; i < 50; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using var r = await Network.Admin.GetAsync("/healthz").ConfigureAwait(false);
            if (i >= 5) bare.AddSince(start);
        }
        return bare.Summary();
    }

    /// <summary>How many of this run's units the station lists as online.</summary>
    private async Task<int> OnlineAtStationAsync()
    {
        try
        {
            var list = await Network.Admin.GetFromJsonAsync<JsonElement>("/api/v1/units").ConfigureAwait(false);
            var items = list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("items");
            return items.EnumerateArray().Count(u => u.GetProperty("id").GetString()!.StartsWith(options.Prefix + "-", StringComparison.Ordinal)
                && u.GetProperty("status").GetString() == "online");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            Errors.Add($"units list: {ex.Message}");
            return -1;
        }
    }

    /// <summary>The end state of every submitted task (at most 5,000 are asked; beyond that a sample of them).</summary>
    private async Task<Dictionary<string, int>> TaskStatesAsync()
    {
        var ids = _taskIds.ToArray();
        if (ids.Length > 5000) ids = [.. ids.OrderBy(_ => Random.Shared.Next()).Take(5000)];
        var states = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            string state;
            try { state = (await Network.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}", ct).ConfigureAwait(false)).GetProperty("state").GetString() ?? "?"; }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException) { state = "unknown"; }
            states.AddOrUpdate(state, 1, (_, n) => n + 1);
        }).ConfigureAwait(false);
        return new Dictionary<string, int>(states);
    }

    public void Dispose()
    {
        Network.Dispose();
        ConnectGate.Dispose();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}
