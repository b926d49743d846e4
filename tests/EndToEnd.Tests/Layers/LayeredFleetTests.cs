using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// The three-level <see cref="LayeredFleet"/> (README, "Layered stations") as it stands: each station lists the units
/// enrolled at it (the mids as kind station), and cutting the mid-1 → top link takes mid-1 offline at the top while
/// mid-1 keeps its own units; restoring the link brings it back online by itself.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed class LayeredFleetTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_levels_each_station_lists_what_enrolled_at_it_and_a_cut_uplink_takes_mid1_offline_at_the_top_until_restored()
    {
        var clock = Stopwatch.StartNew();
        await using var fleet = await LayeredFleet.StartAsync(new LayeredFleetOptions { CuttableUplink = true });
        output.WriteLine($"LayeredFleet.StartAsync: {fleet.StartDuration.TotalSeconds:0.0} s ({string.Join(", ", fleet.StartSteps.Select(s => $"{s.Step} {s.At.TotalSeconds:0.0} s"))})");
        try
        {
            // The top lists mid-1 as its one station, online.
            var stations = Items(await fleet.TopAdmin.GetAsync("/api/v1/units?kind=station"));
            Assert.Equal([(LayeredFleet.Mid1Name, "station", "online")], stations.Select(Shown));

            // Mid-1 lists mid-2 (kind station) and u3 (kind unit), both online; mid-2 lists u7.
            var atMid1 = Items(await fleet.Mid1Admin.GetAsync("/api/v1/units?sort=id")).Select(Shown).ToList();
            Assert.Contains((LayeredFleet.Mid2Name, "station", "online"), atMid1);
            Assert.Contains((LayeredFleet.U3Name, "unit", "online"), atMid1);
            var atMid2 = Items(await fleet.Mid2Admin.GetAsync("/api/v1/units?sort=id")).Select(Shown).ToList();
            Assert.Contains((LayeredFleet.U7Name, "unit", "online"), atMid2);

            // The link mid-1 → top cut: the top shows mid-1 offline, mid-1 says it is reconnecting, and still has its own units.
            var link = Assert.IsType<CuttableLink>(fleet.Uplink);
            var cut = Stopwatch.StartNew();
            link.Cut();
            await fleet.WaitUnitAsync(fleet.TopAdmin, LayeredFleet.Mid1Name, "offline", "station", Timeouts.UnitOnline);
            output.WriteLine($"cut → mid-1 offline at the top: {cut.Elapsed.TotalSeconds:0.0} s");
            await fleet.WaitUplinkAsync(fleet.Mid1, "connecting", Timeouts.UnitOnline);
            await fleet.WaitUnitAsync(fleet.Mid1Admin, LayeredFleet.Mid2Name, "online", "station", TimeSpan.FromSeconds(5));
            await fleet.WaitUnitAsync(fleet.Mid1Admin, LayeredFleet.U3Name, "online", "unit", TimeSpan.FromSeconds(5));

            // Restored: mid-1 reconnects by itself and the top shows it online again.
            var restored = Stopwatch.StartNew();
            link.Restore();
            await fleet.WaitUnitAsync(fleet.TopAdmin, LayeredFleet.Mid1Name, "online", "station", Timeouts.UnitOnline);
            await fleet.WaitUplinkAsync(fleet.Mid1, "connected", Timeouts.UnitOnline);
            output.WriteLine($"restore → mid-1 online at the top: {restored.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:0.0} s");
        }
        catch
        {
            output.WriteLine(fleet.OutputTails());
            throw;
        }
    }

    private static List<JsonElement> Items(ApiResponse response)
    {
        Assert.True(response.Status == System.Net.HttpStatusCode.OK, $"listing units: {response}");
        return [.. response.Body.GetProperty("items").EnumerateArray()];
    }

    private static (string?, string?, string?) Shown(JsonElement unit) =>
        (unit.GetProperty("id").GetString(), unit.GetProperty("kind").GetString(), unit.GetProperty("status").GetString());
}
