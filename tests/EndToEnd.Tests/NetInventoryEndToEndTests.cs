using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// net.inventory through the REST API on a real station and its own unit: the task runs on the unit and its result is
/// the host's network as the kernel has it, read only (the loopback interface with 127.0.0.1/8 is always there); a
/// help-desk user may run it too, read-only as it is.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class NetInventoryEndToEndTests
{
    [Fact]
    public async Task The_stations_own_unit_reports_its_interfaces_with_addresses_and_routes()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings());
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        await admin.CreateUserAsync("desk", "help-desk-password-1", "HelpDesk");
        using var desk = await ApiClient.SignInAsync(station.BaseUrl, "desk", "help-desk-password-1");

        long id = await desk.StartAsync("net.inventory", "station", new { });
        var task = await desk.WaitForStateAsync(id, Timeouts.ShortTask, "succeeded");

        var result = task.GetProperty("result");
        var interfaces = result.GetProperty("interfaces").EnumerateArray().ToList();
        var lo = Assert.Single(interfaces, i => i.GetProperty("name").GetString() == "lo");
        Assert.Contains(lo.GetProperty("addresses").EnumerateArray(),
            a => a.GetProperty("address").GetString() == "127.0.0.1" && a.GetProperty("prefix").GetInt32() == 8);
        Assert.True(result.GetProperty("routes").GetArrayLength() > 0 || interfaces.Count == 1, "no route on a host with more than loopback");
        Assert.Contains(result.GetProperty("backend").GetString(), new[] { "networkmanager", "systemd-networkd", "runtime" });
    }
}
