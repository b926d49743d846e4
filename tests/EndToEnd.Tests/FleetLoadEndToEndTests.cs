using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A fleet on one station, with real processes: the load generator (bench/Ccdsvm.FleetLoad, shortened) enrols 400
/// simulated units with one fleet token over the real enrolment REST, connects each to the real agent hub (SignalR +
/// MessagePack, its own credential, HTTPS trusted by the station's fingerprint), and runs 200 tasks spread over them.
/// Its figures are checked against what the station itself recorded in its store.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FleetLoadEndToEndTests(ITestOutputHelper output)
{
    private const int Units = 400;
    private const int Tasks = 200;

    [Fact]
    public async Task Four_hundred_units_enrol_with_one_fleet_token_all_come_online_and_200_tasks_spread_over_them_all_succeed()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings
        {
            MaxTasks = 512,
            Environment = new Dictionary<string, string> { ["Station__MaxTasksPerUser"] = "512" },
        });
        using var admin = await station.AdminAsync();
        using var work = new TempDir("fleetload");
        using var generator = new ManagedProcess("fleetload", RepoPaths.FleetLoadDll,
        [
            "--station", station.BaseUrl.ToString(), "--token", admin.Token!, "--fingerprint", station.Fingerprint,
            "--agents", Units.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "6",
            "--tasks-per-second", "50", "--max-tasks", Tasks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--hold-seconds", "1", "--prefix", "e2efleet",
        ], new Dictionary<string, string>(), work.Path);
        int exit;
        try
        {
            exit = await generator.WaitForExitAsync(TimeSpan.FromSeconds(150));
        }
        finally
        {
            output.WriteLine(generator.Output);
        }

        // The closing line of figures (the captured output may prefix each line with the process's name).
        string last = generator.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.Contains("{\"agents\":", StringComparison.Ordinal));
        string line = last[last.IndexOf('{', StringComparison.Ordinal)..].Trim();
        using var figures = JsonDocument.Parse(line);
        var f = figures.RootElement;
        var tasks = f.GetProperty("tasks");
        Assert.Equal((Units, Units, Units), (f.GetProperty("enrolled").GetInt32(), f.GetProperty("connected").GetInt32(), f.GetProperty("onlineAtStation").GetInt32()));
        Assert.Equal((Tasks, Tasks, 0, Tasks), (tasks.GetProperty("accepted").GetInt32(), tasks.GetProperty("succeeded").GetInt32(),
            tasks.GetProperty("refused").GetInt32(), f.GetProperty("dispatch").GetProperty("count").GetInt32()));
        Assert.True(f.GetProperty("errors").GetInt32() == 0, line);
        Assert.Equal(0, exit);

        // What the station recorded: one token used by every unit, one credential each, 200 tasks succeeded on 200 units.
        var token = (await admin.GetAsync("/api/v1/enrolments")).Body.EnumerateArray().Single(e => e.GetProperty("note").GetString()!.Contains("e2efleet", StringComparison.Ordinal));
        Assert.Equal(("used", Units, Units), (token.GetProperty("state").GetString(), token.GetProperty("count").GetInt32(), token.GetProperty("uses").GetInt32()));
        using var c = new SqliteConnection($"Data Source={station.DatabasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        Assert.Equal(Units, Scalar(c, "SELECT COUNT(*) FROM unit_credentials WHERE unit LIKE 'e2efleet-%' AND revoked_at IS NULL"));
        Assert.Equal(Units, Scalar(c, "SELECT COUNT(*) FROM units WHERE id LIKE 'e2efleet-%'"));
        Assert.Equal(Tasks, Scalar(c, "SELECT COUNT(*) FROM tasks WHERE target LIKE 'e2efleet-%' AND state = 'succeeded'"));
        Assert.Equal(0, Scalar(c, "SELECT COUNT(*) FROM tasks WHERE target LIKE 'e2efleet-%' AND state <> 'succeeded'"));
        Assert.Equal(Tasks, Scalar(c, "SELECT COUNT(DISTINCT target) FROM tasks WHERE target LIKE 'e2efleet-%'"));

        // Tags and selectors over the fleet: a page of 50 with the total, a tag, a refused limit.
        var tagged = await admin.PutJsonAsync("/api/v1/units/e2efleet-00007/tags", new { tags = new[] { "rack-9", "db" } });
        Assert.True(tagged.Status == System.Net.HttpStatusCode.OK, tagged.ToString());
        var page = (await admin.GetAsync("/api/v1/units?search=e2efleet&limit=50")).Body;
        Assert.Equal((Units, 50), (page.GetProperty("total").GetInt32(), page.GetProperty("items").GetArrayLength()));
        var next = (await admin.GetAsync($"/api/v1/units?search=e2efleet&limit=50&cursor={page.GetProperty("nextCursor").GetString()}")).Body;
        Assert.Equal("e2efleet-00050", next.GetProperty("items")[0].GetProperty("id").GetString());
        var rack = (await admin.GetAsync("/api/v1/units?tag=rack-9")).Body;
        Assert.Equal(("e2efleet-00007", 1), (rack.GetProperty("items")[0].GetProperty("id").GetString(), rack.GetProperty("total").GetInt32()));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/units?limit=0")).Status);
    }

    private static long Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }
}
