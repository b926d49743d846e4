using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// Tasks routed through a mid station (README, "Layered stations"), real processes: a top station, a mid station and a unit
/// agent enrolled at the mid station. The top lists the unit below the mid station with its parent; a task the top aims at
/// it is refused at the mid station until the mid station grants the top's user, then runs with the right result, audited
/// at the mid station under the top user's name; the unit still refuses a path outside its roots.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class RoutedTaskTests
{
    private const string Mid = "mid-1";
    private const string Unit = "u7";

    [Fact]
    public async Task TopTask_OnAUnitBelowAMidStation_IsDecidedByTheMidStationsAcl_ThenRunsThere()
    {
        await using var top = await StationProcess.StartAsync();
        using var topAdmin = await top.AdminAsync();
        string token = await topAdmin.CreateEnrolmentTokenAsync("mid station", expiresInMinutes: 30);
        await using var mid = await StationProcess.StartAsync(new StationSettings
        {
            Environment = new Dictionary<string, string>
            {
                ["Station__Upstream__Url"] = top.BaseUrl.ToString().TrimEnd('/'),
                ["Station__Upstream__Name"] = Mid,
                ["Station__Upstream__Fingerprint"] = top.Fingerprint,
                ["Station__Upstream__Label"] = "top",
                ["Station__Upstream__EnrolmentToken"] = token,
            },
        });
        using var midAdmin = await mid.AdminAsync();
        await using var unit = await AgentProcess.StartAsync(mid, Unit, await midAdmin.CreateEnrolmentTokenAsync("u7", 30), waitOnline: true);
        byte[] content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        string file = Path.Combine(unit.Root, "payload.bin");
        await File.WriteAllBytesAsync(file, content);

        // The top lists the unit below the mid station, online, with the mid station as its parent.
        await topAdmin.WaitUnitStatusAsync(Unit, "online", Timeouts.UnitOnline, () => mid.HasExited ? "the mid station exited:\n" + mid.Output : null);
        var below = (await topAdmin.GetAsync($"/api/v1/units?parent={Mid}")).Body.GetProperty("items").EnumerateArray().Select(u => (u.GetProperty("id").GetString(), u.GetProperty("parent").GetString())).ToList();
        Assert.Equal([(Unit, Mid)], below);

        // No grant at the mid station for admin@top: refused there, saying where.
        long refusedId = await topAdmin.StartAsync("fs.checksum", Unit, new { path = file });
        var refused = await topAdmin.WaitForStateAsync(refusedId, Timeouts.ShortTask);
        Assert.True((refused.GetProperty("state").GetString(), refused.GetProperty("errorKind").GetString()) == ("failed", "forbidden"), refused.ToString());
        Assert.StartsWith($"refused at {Mid}: ", refused.GetProperty("error").GetString());

        // Granted at the mid station: it runs on the unit, with the right checksum, owned there by admin@top.
        var grant = await midAdmin.PutJsonAsync("/api/v1/acl", new { path = $"/units/{Unit}", subject = "admin@top", role = "Operator" });
        Assert.Equal(HttpStatusCode.OK, grant.Status);
        long id = await topAdmin.StartAsync("fs.checksum", Unit, new { path = file });
        var done = await topAdmin.WaitForStateAsync(id, Timeouts.ShortTask);
        Assert.True(done.GetProperty("state").GetString() == "succeeded", done.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), done.GetProperty("result").GetProperty("sha256").GetString());
        var midTasks = (await midAdmin.GetAsync($"/api/v1/tasks?target={Unit}")).Body;
        var relayed = (midTasks.ValueKind == JsonValueKind.Array ? midTasks : midTasks.GetProperty("items")).EnumerateArray()
            .Where(t => t.GetProperty("kind").GetString() == "fs.checksum" && t.GetProperty("state").GetString() == "succeeded").ToList();
        Assert.Equal("admin@top", Assert.Single(relayed).GetProperty("owner").GetString());

        // The unit still checks the mid station's ticket against its own roots.
        long outsideId = await topAdmin.StartAsync("fs.checksum", Unit, new { path = "/etc/hostname" });
        var outside = await topAdmin.WaitForStateAsync(outsideId, Timeouts.ShortTask);
        Assert.Equal("failed", outside.GetProperty("state").GetString());
        Assert.Contains("outside this unit's roots", outside.GetProperty("error").GetString());
    }
}
