using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A fleet on one station, with real processes: the load generator (bench/Ccdsvm.FleetLoad, shortened) enrols 500
/// simulated units with one fleet token over the real enrolment REST, connects each to the real agent hub (SignalR +
/// MessagePack, its own credential, HTTPS trusted by the station's fingerprint), and runs 200 tasks spread over them:
/// holds of 12 s, two per lock so that half of them wait in the station's queue, and checksums. While holds run and
/// others wait, the station is killed (SIGKILL) and started again on the same store and port. Every unit comes back
/// (the time is printed), the units report the tasks they still run and the station reattaches them (a task survives a
/// station restart, as in Faults/StationKillLoopTests.cs), results finished meanwhile are delivered after the reconnect,
/// and so every task succeeds: none lost, none run twice (by the generator's count per task id and by the station's
/// store), no lock left. Seeded: the seed (the moment of the kill) is printed, and CCDSVM_FAULT_SEED replays it.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FleetLoadEndToEndTests(ITestOutputHelper output)
{
    private const int Units = 500;
    private const int Tasks = 200;
    private const int HoldSeconds = 12;
    private static readonly TimeSpan AllBackWithin = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Five_hundred_units_run_200_tasks_and_after_the_station_is_killed_all_come_back_with_no_task_lost_or_run_twice()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("CCDSVM_FAULT_SEED"), CultureInfo.InvariantCulture, out int s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with CCDSVM_FAULT_SEED={seed})");
        var random = new Random(seed);
        await using var station = await StationProcess.StartAsync(new StationSettings
        {
            MaxTasks = 512,
            Environment = new Dictionary<string, string> { ["Station__MaxTasksPerUser"] = "512" },
        });
        using var admin = await station.AdminAsync();
        using var work = new TempDir("fleetload");
        string go = Path.Combine(work.Path, "go");
        using var generator = new ManagedProcess("fleetload", RepoPaths.FleetLoadDll,
        [
            "--station", station.BaseUrl.ToString(), "--token", admin.Token!, "--fingerprint", station.Fingerprint,
            "--agents", Units.ToString(CultureInfo.InvariantCulture), "--duration", "1",
            "--tasks-per-second", "100", "--max-tasks", Tasks.ToString(CultureInfo.InvariantCulture),
            "--hold-seconds", HoldSeconds.ToString(CultureInfo.InvariantCulture), "--lock-groups", "50", "--prefix", "e2efleet", "--until-file", go,
        ], new Dictionary<string, string>(), work.Path);
        var timings = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            // Enrolled, connected, online; then the 200 tasks are in. The kill comes while holds run and others wait.
            await generator.WaitForOutputAsync("fleetload: submitted", TimeSpan.FromMinutes(4));
            timings.Add($"enrolled, connected and submitted {Tasks} tasks after {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(Units, await OnlineAsync(admin));
            await Task.Delay(random.Next(0, 1500));

            var killed = Stopwatch.StartNew();
            await station.RestartAsync();
            double healthy = killed.Elapsed.TotalSeconds;
            using var after = await station.AdminAsync();
            int online = 0;
            while (killed.Elapsed < AllBackWithin && (online = await OnlineAsync(after)) < Units) await Task.Delay(250);
            double allBack = killed.Elapsed.TotalSeconds;
            timings.Add($"SIGKILL and restart: healthy after {healthy:0.0} s, {online} of {Units} units online again after {allBack:0.0} s");
            Assert.True(online == Units, $"only {online} of {Units} units were online again {AllBackWithin.TotalSeconds:0} s after the kill");

            await File.WriteAllTextAsync(go, "go");
            int exit = await generator.WaitForExitAsync(TimeSpan.FromMinutes(3));
            timings.Add($"generator done after {clock.Elapsed.TotalSeconds:0.0} s (exit {exit})");
            foreach (var t in timings) output.WriteLine(t);
            var f = Figures(generator.Output);
            output.WriteLine(f.GetRawText());

            await CheckAsync(station, after, f, exit);
        }
        catch (Exception ex) when (ex is not XunitException { Message: var m } || !m.StartsWith("seed ", StringComparison.Ordinal))
        {
            foreach (var t in timings) output.WriteLine(t);
            output.WriteLine(generator.Output);
            output.WriteLine(station.Output);
            throw new XunitException($"seed {seed} (replay with CCDSVM_FAULT_SEED={seed}): {ex}");
        }
    }

    private async Task CheckAsync(StationProcess station, ApiClient admin, JsonElement f, int exit)
    {
        // The generator's figures: every unit enrolled, connected, online, lost once and back; every task ran exactly once.
        var tasks = f.GetProperty("tasks");
        var per = f.GetProperty("perTask");
        Assert.Equal((Units, Units, Units), (f.GetProperty("enrolled").GetInt32(), f.GetProperty("connected").GetInt32(), f.GetProperty("onlineAtStation").GetInt32()));
        Assert.Equal((Units, Units), (f.GetProperty("connectedAtEnd").GetInt32(), f.GetProperty("onlineAtEnd").GetInt32()));
        Assert.True(f.GetProperty("lost").GetInt32() >= Units && f.GetProperty("reconnected").GetInt32() >= Units, $"every unit lost its connection and came back: {f}");
        Assert.Equal((Tasks, 0), (tasks.GetProperty("accepted").GetInt32(), tasks.GetProperty("refused").GetInt32()));
        Assert.True(per.GetProperty("ranTwice").GetArrayLength() == 0, $"orders run twice: {per.GetProperty("ranTwice")}");
        Assert.Equal((Tasks, Tasks, 0, 0), (per.GetProperty("ids").GetInt32(), per.GetProperty("ranOnce").GetInt32(), per.GetProperty("neverRan").GetInt32(),
            per.GetProperty("undeliveredIds").GetInt32()));
        Assert.True(f.GetProperty("errors").GetInt32() == 0, $"errors beyond the expected disconnect: {f.GetProperty("errorSamples")}");
        Assert.Equal(0, per.GetProperty("leaseStops").GetInt32());
        Assert.Equal(0, exit);

        // Every task ended; succeeded + interrupted (with a reason) is every submitted one; and as the product promises for a
        // task running on a unit when the station dies, the unit kept running it and reported it: all of them succeeded.
        using var c = new SqliteConnection($"Data Source={station.DatabasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        long succeeded = Scalar(c, "SELECT COUNT(*) FROM tasks WHERE target LIKE 'e2efleet-%' AND state = 'succeeded'");
        long interrupted = Scalar(c, "SELECT COUNT(*) FROM tasks WHERE target LIKE 'e2efleet-%' AND state = 'interrupted' AND error IS NOT NULL AND error <> ''");
        Assert.Equal(Tasks, Scalar(c, "SELECT COUNT(*) FROM tasks WHERE target LIKE 'e2efleet-%'"));
        Assert.Equal(Tasks, succeeded + interrupted);
        Assert.True(succeeded == Tasks, $"{interrupted} task(s) interrupted: {string.Join("; ", Strings(c, "SELECT id || ' ' || error FROM tasks WHERE target LIKE 'e2efleet-%' AND state <> 'succeeded' LIMIT 5"))}");
        Assert.Equal(Tasks, tasks.GetProperty("succeeded").GetInt32());

        // The station's own record: each task started once (one "running" state event) and dispatched once (one "dispatched"
        // state event; an order sent again after the restart is a "resent" event, answered by the unit from its record).
        const string Ours = "task_id IN (SELECT id FROM tasks WHERE target LIKE 'e2efleet-%')";
        Assert.Empty(Strings(c, $"SELECT task_id || ' started ' || COUNT(*) FROM task_events WHERE {Ours} AND type = 'state' AND state = 'running' GROUP BY task_id HAVING COUNT(*) > 1"));
        Assert.Empty(Strings(c, $"SELECT task_id || ' dispatched ' || COUNT(*) FROM task_events WHERE {Ours} AND type = 'state' AND state = 'dispatched' GROUP BY task_id HAVING COUNT(*) > 1"));
        long restored = Scalar(c, $"SELECT COUNT(*) FROM task_events WHERE {Ours} AND type = 'restored'");
        long restoredWaiting = Scalar(c, $"SELECT COUNT(*) FROM task_events WHERE {Ours} AND type = 'restored' AND state NOT IN ('dispatched', 'running')");
        long reattached = Scalar(c, $"SELECT COUNT(*) FROM task_events WHERE {Ours} AND type = 'reattached'");
        long resent = Scalar(c, $"SELECT COUNT(*) FROM task_events WHERE {Ours} AND type = 'resent'");
        output.WriteLine($"at the kill: {restored} tasks restored by the station ({restoredWaiting} of them waiting for a lock); {reattached} reattached (still running on their unit), {resent} orders sent again; "
            + $"{per.GetProperty("keptForReconnect").GetInt32()} results kept by units for the reconnect, {per.GetProperty("ordersRepeated").GetInt32()} orders repeated");
        // The kill hit work in flight: tasks were restored, some waiting in the queue, and running ones came back through their units.
        Assert.True(restored > restoredWaiting && restoredWaiting > 0 && reattached + per.GetProperty("keptForReconnect").GetInt32() > 0,
            "the kill did not hit both running and queued tasks; the test did not test a restart under load");

        // No lock left.
        var locks = (await admin.GetAsync("/api/v1/locks")).Body;
        Assert.Empty(locks.GetProperty("held").EnumerateArray());
        Assert.Empty(locks.GetProperty("waiting").EnumerateArray());

        // What the station recorded of the fleet: one token used by every unit, one credential each.
        var token = (await admin.GetAsync("/api/v1/enrolments")).Body.EnumerateArray().Single(e => e.GetProperty("note").GetString()!.Contains("e2efleet", StringComparison.Ordinal));
        Assert.Equal(("used", Units, Units), (token.GetProperty("state").GetString(), token.GetProperty("count").GetInt32(), token.GetProperty("uses").GetInt32()));
        Assert.Equal(Units, Scalar(c, "SELECT COUNT(*) FROM unit_credentials WHERE unit LIKE 'e2efleet-%' AND revoked_at IS NULL"));
        Assert.Equal(Units, Scalar(c, "SELECT COUNT(*) FROM units WHERE id LIKE 'e2efleet-%'"));

        // Selectors over the fleet: a page of 50 with the total, a tag, the parent (every unit is below this station), refusals.
        var tagged = await admin.PutJsonAsync("/api/v1/units/e2efleet-00007/tags", new { tags = new[] { "rack-9", "db" } });
        Assert.True(tagged.Status == System.Net.HttpStatusCode.OK, tagged.ToString());
        var page = (await admin.GetAsync("/api/v1/units?search=e2efleet&limit=50")).Body;
        Assert.Equal((Units, 50), (page.GetProperty("total").GetInt32(), page.GetProperty("items").GetArrayLength()));
        var next = (await admin.GetAsync($"/api/v1/units?search=e2efleet&limit=50&cursor={page.GetProperty("nextCursor").GetString()}")).Body;
        Assert.Equal("e2efleet-00050", next.GetProperty("items")[0].GetProperty("id").GetString());
        var rack = (await admin.GetAsync("/api/v1/units?tag=rack-9")).Body;
        Assert.Equal(("e2efleet-00007", 1), (rack.GetProperty("items")[0].GetProperty("id").GetString(), rack.GetProperty("total").GetInt32()));
        Assert.Equal(Units, (await admin.GetAsync("/api/v1/units?parent=station&search=e2efleet&limit=1")).Body.GetProperty("total").GetInt32());
        Assert.Equal(0, (await admin.GetAsync("/api/v1/units?parent=e2efleet-00001")).Body.GetProperty("total").GetInt32());
        var unknown = await admin.GetAsync("/api/v1/units?parent=no-such-unit");
        Assert.True(unknown.Status == System.Net.HttpStatusCode.NotFound && unknown.Detail.Contains("'no-such-unit' is not known", StringComparison.Ordinal), unknown.ToString());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/units?limit=0")).Status);
    }

    /// <summary>How many of the fleet's units the station lists as online.</summary>
    private static async Task<int> OnlineAsync(ApiClient api)
    {
        var page = await api.GetAsync("/api/v1/units?search=e2efleet&status=online&limit=1");
        return page.Status == System.Net.HttpStatusCode.OK ? page.Body.GetProperty("total").GetInt32() : -1;
    }

    /// <summary>The closing line of figures (the captured output may prefix each line with the process's name).</summary>
    private static JsonElement Figures(string generatorOutput)
    {
        string last = generatorOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.Contains("{\"agents\":", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(last[last.IndexOf('{', StringComparison.Ordinal)..].Trim());
        return doc.RootElement.Clone();
    }

    private static long Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static List<string> Strings(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }
}
