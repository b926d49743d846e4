using System.Net;
using System.Text.Json;
using Ccdsvm.Console.Blazor.Tests.Sessions;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// <c>GET /api/v1/units/tree</c> on the real station in memory: the top with each mid station's subtree counts, a layer
/// below a station, and refusals in words that quote at most 40 characters of a bad value.
/// </summary>
public sealed class UnitTreeApiTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-unit-tree-api-").FullName;
    private readonly SessionStation _station;

    public UnitTreeApiTests() => _station = new SessionStation(_dir);

    public void Dispose()
    {
        _station.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private readonly Dictionary<string, string?> _parents = [];

    /// <summary>A unit connected here (no parent), or one a mid station announces below it (README, "Layered stations").</summary>
    private Task Online(string id, string? parent = null, bool station = false, bool offline = false)
    {
        var registry = _station.Services.GetRequiredService<UnitRegistry>();
        var inventory = new UnitInventory(id, id, "host-" + id, "Debian GNU/Linux 12", "6.1.0", 2, 4L << 30, [], [], ["/srv/data"], "test", parent,
            Kind: station ? UnitKind.Station : UnitKind.Unit);
        _parents[id] = parent;
        if (parent is null) return registry.OnlineAsync("conn-" + id, inventory, DateTimeOffset.UtcNow).WaitAsync(Limit);
        string route = id;
        while (_parents[route] is { } up) route = up;
        return registry.ApplySubtreeAsync(route, new SubtreeUpdate(false, [new SubtreeUnit(inventory, offline ? "offline" : "online", [])], []), DateTimeOffset.UtcNow).WaitAsync(Limit);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var cts = new CancellationTokenSource(Limit);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cts.Token);
        var text = await response.Content.ReadAsStringAsync(cts.Token);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task TheTop_CountsEachStationsSubtree_AParentGoesALayerDown_AndBadValuesAreRefusedInWords()
    {
        await Online("mid-1", station: true);
        await Online("edge-a");
        await Online("mid-1a", "mid-1", station: true);
        await Online("leaf-1", "mid-1");
        await Online("leaf-1a", "mid-1a", offline: true);
        using var admin = await _station.AdminAsync().WaitAsync(Limit);

        var (status, top) = await GetAsync(admin, "/api/v1/units/tree");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, top.GetProperty("total").GetInt32());
        var items = top.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["edge-a", "mid-1"], items.Select(i => i.GetProperty("unit").GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("below").ValueKind);
        var below = items[1].GetProperty("below");
        Assert.Equal(3, below.GetProperty("total").GetInt32());
        Assert.Equal(2, below.GetProperty("byStatus").GetProperty("online").GetInt32());
        Assert.Equal(1, below.GetProperty("byStatus").GetProperty("offline").GetInt32());

        var (_, layer) = await GetAsync(admin, "/api/v1/units/tree?parent=mid-1&offset=1");
        Assert.Equal(2, layer.GetProperty("total").GetInt32());
        Assert.Equal("mid-1a", Assert.Single(layer.GetProperty("items").EnumerateArray().ToList()).GetProperty("unit").GetProperty("id").GetString());

        string huge = new('9', 5_000);
        var (badOffset, offsetProblem) = await GetAsync(admin, "/api/v1/units/tree?offset=" + huge);
        Assert.Equal(HttpStatusCode.BadRequest, badOffset);
        Assert.Equal($"'offset' must be a whole number, 0 or more; got '{huge[..40]}… (5000 characters)'", offsetProblem.GetProperty("detail").GetString());
        var (negative, negativeProblem) = await GetAsync(admin, "/api/v1/units/tree?offset=-1");
        Assert.Equal(HttpStatusCode.BadRequest, negative);
        Assert.Equal("'offset' must be a whole number, 0 or more; got '-1'", negativeProblem.GetProperty("detail").GetString());
        var (unknown, unknownProblem) = await GetAsync(admin, "/api/v1/units/tree?parent=" + new string('x', 5_000));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.StartsWith($"unit '{new string('x', 40)}… (5000 characters)' is not known", unknownProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
