using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// Layered stations, first slice (README, "Layered stations"), with two real station processes: a mid station started
/// with Station__Upstream__* enrols as a unit of kind station of the top station and connects out; killed and started
/// again without its token it comes back with the credential it kept; started with a wrong token it says so in its log
/// and on /healthz and keeps serving its own users. A task the top aims at it is decided by its own ACL.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class MidStationUplinkTests
{
    private const string Mid = "mid-1";

    [Fact]
    public async Task MidStation_EnrolsAsAStationUnit_ReconnectsAfterARestartWithoutItsToken_AndAWrongTokenLeavesItServing()
    {
        await using var top = await StationProcess.StartAsync();
        using var topAdmin = await top.AdminAsync();
        string token = await topAdmin.CreateEnrolmentTokenAsync("mid station 1", expiresInMinutes: 30);
        var upstream = new Dictionary<string, string>
        {
            ["Station__Upstream__Url"] = top.BaseUrl.ToString().TrimEnd('/'),
            ["Station__Upstream__Name"] = Mid,
            ["Station__Upstream__Fingerprint"] = top.Fingerprint,
        };
        await using var mid = await StationProcess.StartAsync(new StationSettings
        {
            Environment = new Dictionary<string, string>(upstream) { ["Station__Upstream__EnrolmentToken"] = token },
        });

        // The top lists the mid station online, as a unit of kind station (and only under ?kind=station).
        await topAdmin.WaitUnitStatusAsync(Mid, "online", Timeouts.UnitOnline, () => mid.HasExited ? "the mid station exited:\n" + mid.Output : null);
        var stations = (await topAdmin.GetAsync("/api/v1/units?kind=station")).Body.GetProperty("items").EnumerateArray().ToList();
        var listed = Assert.Single(stations);
        Assert.Equal((Mid, "station", "online"), (listed.GetProperty("id").GetString(), listed.GetProperty("kind").GetString(), listed.GetProperty("status").GetString()));
        var units = (await topAdmin.GetAsync("/api/v1/units?kind=unit")).Body.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        Assert.Contains("station", units);
        Assert.DoesNotContain(Mid, units);
        var bogus = await topAdmin.GetAsync("/api/v1/units?kind=rack");
        Assert.Equal(HttpStatusCode.BadRequest, bogus.Status);
        Assert.Contains("'kind' must be one of unit, station", bogus.Detail);
        await WaitUplinkStateAsync(mid, "connected");
        // The mid's own unit must have announced itself there first: a fresh mid does not know it until its co-hosted
        // agent connects, and a task relayed before that is refused as "not known" (seen once on a loaded CI machine).
        using (var midOwn = await mid.AdminAsync())
            await midOwn.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

        // A task aimed at the mid station is relayed into its own task list, where the top's admin has no grant: refused
        // there, in words that name the mid station; nothing ran on its host.
        string uplinkRoot = listed.GetProperty("roots")[0].GetString()!;
        long id = await topAdmin.StartAsync("fs.list", Mid, new { path = uplinkRoot });
        var refused = await topAdmin.WaitForStateAsync(id, Timeouts.ShortTask);
        Assert.True((refused.GetProperty("state").GetString(), refused.GetProperty("errorKind").GetString()) == ("failed", "forbidden"), refused.ToString());
        Assert.StartsWith($"refused at {Mid}: ", refused.GetProperty("error").GetString());

        // Killed and started again WITHOUT the token: the credential it kept brings it back.
        mid.Stop();
        await topAdmin.WaitUnitStatusAsync(Mid, "offline", Timeouts.UnitOnline);
        await mid.RestartAsync(upstream);
        await topAdmin.WaitUnitStatusAsync(Mid, "online", Timeouts.UnitOnline, () => mid.HasExited ? "the mid station exited:\n" + mid.Output : null);
        await WaitUplinkStateAsync(mid, "connected");

        // A wrong token: the top refuses it, the mid says so plainly and goes on serving its own users and unit.
        mid.Stop();
        await topAdmin.WaitUnitStatusAsync(Mid, "offline", Timeouts.UnitOnline);
        await mid.RestartAsync(new Dictionary<string, string>(upstream) { ["Station__Upstream__EnrolmentToken"] = "not-a-token-the-top-made" });
        using (var bounded = new CancellationTokenSource(Timeouts.UnitOnline))
            await mid.OutputSeen("Uplink refused").WaitAsync(bounded.Token);
        string detail = await WaitUplinkStateAsync(mid, "refused");
        Assert.Contains("refused the enrolment", detail);
        Assert.False(mid.HasExited, "the mid station exited after its uplink was refused:\n" + mid.Output);
        using var midAdmin = await mid.AdminAsync();
        await midAdmin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        Assert.Equal("offline", (await topAdmin.GetAsync($"/api/v1/units/{Mid}")).Body.GetProperty("status").GetString());
    }

    /// <summary>Polls the mid station's /healthz (which must answer 200) until its uplink is in <paramref name="state"/>; at most 30 s. Answers the uplink detail it shows.</summary>
    private static async Task<string> WaitUplinkStateAsync(StationProcess station, string state)
    {
        using var anonymous = ApiClient.Anonymous(station.BaseUrl);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var health = await anonymous.GetAsync("/healthz");
            Assert.True(health.Status == HttpStatusCode.OK, $"/healthz: {health}");
            if (health.Body.GetProperty("uplink").GetString() == state) return health.Body.GetProperty("uplinkDetail").GetString() ?? "";
            Assert.True(DateTime.UtcNow < deadline, $"the uplink was not {state} within 30 s: {health.Text}");
            await Task.Delay(200);
        }
    }
}
