using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Folder listings as view reads (<c>GET /api/v1/units/{id}/entries</c>) through a real station and its agent: no task
/// and no lock, so a held folder still lists; the same trust boundary as fs.list tasks ('..', NoAccess, symlinks out
/// of the roots, empty and huge paths).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FolderViewEndToEndTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>, IAsyncLifetime
{
    private StationProcess Station => fixture.Station;
    private ApiClient Admin => fixture.Admin;
    private ApiClient? _bob;
    private string _root = "";

    public async Task InitializeAsync()
    {
        _root = Path.Combine(Station.StationRoot, "view-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(_root, "held", "sub"));
        Directory.CreateDirectory(Path.Combine(_root, "secret"));
        await File.WriteAllTextAsync(Path.Combine(_root, "held", "a.txt"), "a");
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), "/etc");
        string user = "bob" + Guid.NewGuid().ToString("N")[..6];
        await Admin.CreateUserAsync(user, "Correct-Horse-42", "HelpDesk", "/units/station");
        var denied = await Admin.PutJsonAsync("/api/v1/acl", new { path = $"/units/station/fs{_root}/secret", subject = user, role = "NoAccess" });
        Assert.True(denied.Status == HttpStatusCode.OK, denied.ToString());
        _bob = await ApiClient.SignInAsync(Station.BaseUrl, user, "Correct-Horse-42");
    }

    public async Task DisposeAsync()
    {
        _bob?.Dispose();
        Assert.Equal(HttpStatusCode.OK, await fixture.HealthAsync());
    }

    private static string Entries(string path) => "/api/v1/units/station/entries?path=" + Uri.EscapeDataString(path);

    [Fact]
    public async Task HeldFolder_StillLists_AndBrowsingLeavesNoTask()
    {
        long hold = await Admin.StartAsync("maintenance.hold", "station", new { resource = $"fs{_root}/held/sub", seconds = 600, reason = "folder view test" });
        long holdAll = await Admin.StartAsync("maintenance.hold", "station", new { resource = $"fs{_root}/held", seconds = 600, reason = "folder view test" });
        try
        {
            await Admin.WaitForStateAsync(hold, Timeouts.ShortTask, "running");
            await Admin.WaitForStateAsync(holdAll, Timeouts.ShortTask, "running", "waitingForLocks");

            var root = await _bob!.GetAsync(Entries(_root));
            Assert.Equal(HttpStatusCode.OK, root.Status);
            Assert.Contains(root.Body.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString() == "held");
            var held = await _bob.GetAsync(Entries(_root + "/held"));
            Assert.Equal(HttpStatusCode.OK, held.Status);
            Assert.Contains(held.Body.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString() == "a.txt");
            Assert.Equal("running", (await Admin.TaskAsync(hold)).GetProperty("state").GetString());

            var tasks = await Admin.GetAsync("/api/v1/tasks?target=station&limit=1000");
            Assert.DoesNotContain(tasks.Body.EnumerateArray(), t => t.GetProperty("kind").GetString() == "fs.list" && t.GetProperty("owner").GetString() != "admin");
        }
        finally
        {
            await Admin.PostJsonAsync($"/api/v1/tasks/{hold}/cancel", null);
            await Admin.PostJsonAsync($"/api/v1/tasks/{holdAll}/cancel", null);
        }
    }

    [Fact]
    public async Task Listing_KeepsTheTrustBoundary()
    {
        var secret = await _bob!.GetAsync(Entries(_root + "/secret"));
        Assert.Equal(HttpStatusCode.Forbidden, secret.Status);
        Assert.Contains("Task.fs.list", secret.Detail);

        var climbing = await _bob.GetAsync(Entries("/.." + _root + "/secret"));
        Assert.Equal(HttpStatusCode.BadRequest, climbing.Status);
        Assert.Contains("'..' segment", climbing.Detail);

        var escape = await Admin.GetAsync(Entries(_root + "/escape"));
        Assert.Equal(HttpStatusCode.Forbidden, escape.Status);
        Assert.Contains("refused by the unit", escape.Detail);

        var empty = await _bob.GetAsync("/api/v1/units/station/entries");
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Contains("'path'", empty.Detail);

        // Over the station's path limit: refused by the station; past the server's URL limit: refused before it.
        var huge = await _bob.GetAsync(Entries(_root + "/" + new string('x', 5_000)));
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);
        var hugest = await _bob.GetAsync(Entries(_root + "/" + new string('x', 10_000)));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, hugest.Status);

        var unknown = await _bob.GetAsync("/api/v1/units/nowhere/entries?path=/srv");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }
}
