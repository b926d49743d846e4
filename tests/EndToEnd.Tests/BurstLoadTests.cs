using System.Net;
using Ccdsvm.BurstLoad;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Issue 13: a burst of mixed requests (wrong-password logins, user creation, task submissions, task listings) against a
/// real station. Every request is answered, none with a 5xx, the store never reports itself busy, and /healthz answers
/// throughout. Times are recorded in docs/BENCHMARKS.md (the 60 s run of bench/Ccdsvm.BurstLoad), not asserted here.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BurstLoadTests
{
    private static readonly string[] BusyMarks = ["database is locked", "SQLITE_BUSY", "SQLite Error 5:"];

    [Fact]
    public async Task MixedBurstOf200Clients_EveryRequestAnswered_No5xx_NoBusyStore_HealthAnsweredThroughout()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings { MaxTasks = 1024 });
        using (var admin = await station.AdminAsync()) await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        var busy = BusyMarks.Select(station.OutputSeen).ToList();

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var result = await Burst.RunAsync(new BurstOptions(station.BaseUrl, station.AdminPassword, 200, TimeSpan.FromSeconds(20))
        {
            RequestTimeout = TimeSpan.FromSeconds(45),
            Trust = TestTls.Callback,
        }, cts.Token);

        string report = $"{result}\n--- station output (tail) ---\n{Tail(station.Output)}";
        Assert.True(result.Requests > 200, $"the burst hardly ran:\n{report}");
        Assert.True(result.ServerErrors == 0, $"answers with a 5xx:\n{report}");
        Assert.True(result.Unanswered == 0, $"requests without an answer:\n{report}");
        Assert.True(busy.All(b => !b.IsCompleted), $"the station logged a busy store:\n{report}");
        Assert.True(result.HealthFailures.Count == 0 && result.HealthMilliseconds.Count > 0, $"/healthz did not answer 200 every time:\n{report}");
        using var anonymous = ApiClient.Anonymous(station.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).Status);
    }

    [Fact]
    public async Task FortyParallelWrongPasswords_ExactlyFiveAreChecked_TheRestAreRefusedAsLocked()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings { EmbeddedAgent = false });
        using var admin = await station.AdminAsync();
        var created = await admin.PostJsonAsync("/api/v1/users", new { username = "guessed", password = "guessed-long-password" });
        Assert.True(created.Status == HttpStatusCode.Created, $"creating the user: {created}");

        var guesses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var anonymous = ApiClient.Anonymous(station.BaseUrl);
            return await anonymous.PostJsonAsync("/api/v1/auth/token", new { username = "guessed", password = $"wrong-guess-{i:00}-long" });
        }));

        var statuses = guesses.GroupBy(g => (int)g.Status).ToDictionary(g => g.Key, g => g.Count());
        string seen = string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"));
        Assert.True(statuses.Keys.All(s => s is 401 or 423), $"every guess is refused as wrong (401) or locked (423): {seen}");
        Assert.True(statuses.GetValueOrDefault(401) <= 4, $"at most 4 guesses hear 'wrong password' before the lock: {seen}");
        // A checked password is audited as a failed login; a guess refused by the lock is audited as refused.
        var checkedPasswords = AuditTable.Read(station.DatabasePath, "auth.login").Count(r => r.Target == "guessed" && r.Outcome == "failed");
        Assert.True(checkedPasswords == 5, $"{checkedPasswords} wrong passwords were checked (expected exactly 5); answers {seen}");
        Assert.Contains(AuditTable.Read(station.DatabasePath, "auth.lockout"), r => r.Target == "guessed");
    }

    private static string Tail(string output) => output.Length > 6000 ? output[^6000..] : output;
}
