using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Two people on one real station: each sees and controls their own tasks; the administrator sees all.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MultiUserTests
{
    private const string BobPassword = "bobs-long-password-1";

    [Fact]
    public async Task Bob_sees_and_controls_only_his_own_tasks_while_admin_sees_both()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

        await admin.CreateUserAsync("bob", BobPassword, "Operator");
        using var bob = await ApiClient.SignInAsync(station.BaseUrl, "bob", BobPassword);

        long bobsTask = await bob.StartAsync("maintenance.hold", "station", new { resource = "disks/bob-disk", seconds = 300, reason = "bob's cable" });
        long adminsTask = await admin.StartAsync("maintenance.hold", "station", new { resource = "disks/admin-disk", seconds = 300, reason = "admin's cable" });
        try
        {
            var bobsView = await bob.WaitForStateAsync(bobsTask, Timeouts.ShortTask, "running");
            await admin.WaitForStateAsync(adminsTask, Timeouts.ShortTask, "running");
            Assert.Equal("bob", bobsView.GetProperty("owner").GetString());

            // Bob's list holds only his task.
            var bobsList = await bob.GetAsync("/api/v1/tasks");
            Assert.Equal(HttpStatusCode.OK, bobsList.Status);
            var bobSees = bobsList.Body.EnumerateArray().ToList();
            Assert.Contains(bobSees, t => t.GetProperty("id").GetInt64() == bobsTask);
            Assert.DoesNotContain(bobSees, t => t.GetProperty("id").GetInt64() == adminsTask);
            Assert.All(bobSees, t => Assert.Equal("bob", t.GetProperty("owner").GetString()));

            // Asking for admin's tasks explicitly does not help him.
            var bobAsksForAdmins = await bob.GetAsync("/api/v1/tasks?owner=admin");
            Assert.Equal(HttpStatusCode.Forbidden, bobAsksForAdmins.Status);

            // The administrator sees both.
            var adminsList = await admin.GetAsync("/api/v1/tasks");
            var adminSees = adminsList.Body.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToList();
            Assert.Contains(bobsTask, adminSees);
            Assert.Contains(adminsTask, adminSees);
            var adminFilteredToBob = await admin.GetAsync("/api/v1/tasks?owner=bob");
            Assert.Equal([bobsTask], adminFilteredToBob.Body.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToList());

            // Bob cannot read admin's task, its events, or cancel it; it keeps running.
            var peek = await bob.GetAsync($"/api/v1/tasks/{adminsTask}");
            Assert.Equal(HttpStatusCode.NotFound, peek.Status);
            var events = await bob.GetAsync($"/api/v1/tasks/{adminsTask}/events");
            Assert.Equal(HttpStatusCode.NotFound, events.Status);
            var cancel = await bob.PostJsonAsync($"/api/v1/tasks/{adminsTask}/cancel", null);
            Assert.Equal(HttpStatusCode.NotFound, cancel.Status);
            Assert.Equal("running", (await admin.TaskAsync(adminsTask)).GetProperty("state").GetString());

            // Nor can he create users.
            var bobCreates = await bob.PostJsonAsync("/api/v1/users", new { username = "mallory", password = "mallorys-password" });
            Assert.Equal(HttpStatusCode.Forbidden, bobCreates.Status);

            // He can cancel his own.
            var ownCancel = await bob.PostJsonAsync($"/api/v1/tasks/{bobsTask}/cancel", null);
            Assert.True(ownCancel.Status == HttpStatusCode.OK, $"bob cancelling his own task: {ownCancel}");
            var ended = await bob.WaitForStateAsync(bobsTask, Timeouts.ShortTask);
            Assert.Equal("cancelled", ended.GetProperty("state").GetString());
            Assert.Equal("running", (await admin.TaskAsync(adminsTask)).GetProperty("state").GetString());
        }
        finally
        {
            await CancelQuietlyAsync(admin, adminsTask);
            await CancelQuietlyAsync(admin, bobsTask);
        }
    }

    private static async Task CancelQuietlyAsync(ApiClient admin, long id)
    {
        try { await admin.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null); }
        catch (HttpRequestException) { }
        catch (TaskCanceledException) { }
        catch (JsonException) { }
    }
}
