using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// Views of a unit two stations down (top → mid-1 → mid-2 → u7; README, "Layered stations"), all real processes: the
/// file manager's folder listing, the storage view, the process list and the live metrics of u7, asked at the top. Each mid station reads
/// for admin@top under its own ACL: without a grant at mid-2 the listing is refused in words naming mid-2; granted at
/// both, the top lists what is in u7's folder, and shows u7's storage and processes as mid-2 itself sees them, and u7's live samples.
/// </summary>
/// <remarks>Run inside <see cref="ThreeLevelTaskTests"/>'s fleet (one fleet start, not two), after mid-1 granted admin@top and before mid-2 did.</remarks>
internal static class ThreeLevelViews
{
    private const string Mid2 = LayeredFleet.Mid2Name, U7 = LayeredFleet.U7Name;

    public static async Task CheckAsync(LayeredFleet fleet)
    {
        var top = fleet.TopAdmin;
        string name = $"seen-from-the-top-{Guid.NewGuid():N}.txt";
        await File.WriteAllTextAsync(Path.Combine(fleet.U7Root, name), "three levels down");
        await fleet.WaitUnitAsync(top, U7, "online");
        string entries = $"/api/v1/units/{U7}/entries?path={Uri.EscapeDataString(fleet.U7Root)}";

        // Granted at mid-1 only: the listing is refused at mid-2, which says so.
        await GrantAsync(fleet.Mid1Admin);
        var refused = await top.GetAsync(entries);
        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.StartsWith($"refused at {Mid2}: admin@top has no rights on /units/{U7}", refused.Detail);

        // Granted at both: the folder as u7 has it.
        await GrantAsync(fleet.Mid2Admin);
        var listed = await top.GetAsync(entries);
        Assert.True(listed.Status == HttpStatusCode.OK, listed.ToString());
        Assert.Contains(name, listed.Body.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()));

        // The storage view: read now through both stations, the same disks mid-2 reads of u7 itself.
        var storage = await top.GetAsync($"/api/v1/units/{U7}/storage?refresh=true");
        Assert.True(storage.Status == HttpStatusCode.OK, storage.ToString());
        Assert.Equal(U7, storage.Body.GetProperty("unit").GetString());
        var atMid2 = await fleet.Mid2Admin.GetAsync($"/api/v1/units/{U7}/storage?refresh=true");
        Assert.True(atMid2.Status == HttpStatusCode.OK, atMid2.ToString());
        Assert.NotEmpty(Disks(storage.Body));
        Assert.Equal(Disks(atMid2.Body), Disks(storage.Body));

        // The process view: u7 shares this machine, so its process table holds this test's own process, with its threads.
        var processes = await top.GetAsync($"/api/v1/units/{U7}/processes");
        Assert.True(processes.Status == HttpStatusCode.OK, processes.ToString());
        Assert.Contains(Environment.ProcessId, processes.Body.EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()));
        var threads = await top.GetAsync($"/api/v1/units/{U7}/processes/{Environment.ProcessId}/threads");
        Assert.True(threads.Status == HttpStatusCode.OK, threads.ToString());
        Assert.NotEmpty(threads.Body.EnumerateArray());

        // Monitoring: watched live at the top, u7 is watched through both stations and its samples come up.
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = fleet.Top.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new("Bearer", top.Token);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        using var live = await http.GetAsync($"/api/v1/units/{U7}/metrics/live", HttpCompletionOption.ResponseHeadersRead, bound.Token);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var reader = new StreamReader(await live.Content.ReadAsStreamAsync(bound.Token));
        string? data = null;
        while (data is null && await reader.ReadLineAsync(bound.Token) is { } line)
            if (line.StartsWith("data:", StringComparison.Ordinal)) data = line["data:".Length..].Trim();
        Assert.NotNull(data);
        using var sample = JsonDocument.Parse(data);
        Assert.True(sample.RootElement.GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0, data);
    }

    /// <summary>
    /// The unit's disks by name, loop devices left out: u7 shares this machine with tests running beside this one, which
    /// attach and detach loop devices between the two reads (seen in CI: loop2 and loop3 in one read and not the other).
    /// </summary>
    private static List<string?> Disks(JsonElement snapshot) =>
        [.. snapshot.GetProperty("storage").GetProperty("disks").EnumerateArray().Select(d => d.GetProperty("name").GetString())
            .Where(name => name is not null && !name.StartsWith("loop", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static async Task GrantAsync(ApiClient station)
    {
        var grant = await station.PutJsonAsync("/api/v1/acl", new { path = $"/units/{U7}", subject = "admin@top", role = "Administrator" });
        Assert.True(grant.Status == HttpStatusCode.OK, grant.ToString());
    }
}
