using System.Net;
using System.Net.Http.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A HelpDesk user on a tablet sees only the units granted to them and is offered no destructive task;
/// when an administrator grants another unit, it appears in their open console without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HelpDeskTabletBrowserTests
{
    private const string Password = "helpdesk-password-1";

    [Fact]
    public async Task HelpDesk_OnATablet_SeesOnlyGrantedUnits_NoDestructiveForm_AndAGrantArrivesLive()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        await using var unitB = await station.StartAgentAsync("unit-b");
        await admin.CreateUserAsync("hd", Password, "HelpDesk", "/units/station");

        await using var browser = await ConsoleBrowser.SignInAsync(station, "hd", Password, 768, 1024, touch: true);
        var page = browser.Page;

        // Only the granted unit exists for them: unit-b is absent, not greyed out.
        await browser.GotoAsync(station, "/units");
        await Assertions.Expect(page.GetByTestId("unit-card-station")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await page.GetByTestId("unit-card-unit-b").CountAsync());
        Assert.DoesNotContain("unit-b", await page.GetByTestId("unit-grid").InnerTextAsync());

        // The workspace's task form offers only read-only kinds; no destructive form can be opened.
        await browser.GotoAsync(station, "/");
        Assert.Equal(0, await page.GetByTestId("unit-row-unit-b").CountAsync());
        await page.GetByTestId("start-task-station").ClickAsync();
        var kinds = page.Locator("[data-testid=form-kind] option");
        await Assertions.Expect(kinds.First).ToBeAttachedAsync(new() { Timeout = 30_000 });
        var offered = await kinds.EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        Assert.Equal(["fs.checksum", "fs.list", "fs.stat", "net.inventory", "storage.inventory"], offered.Order().ToArray());
        Assert.Equal(0, await page.GetByTestId("form-danger").CountAsync());

        // The storage page shows the disks but no Partition/Format/Mount/Build array.
        await browser.GotoAsync(station, "/units/station/storage");
        await Assertions.Expect(page.GetByTestId("storage-actions")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        foreach (var action in new[] { "action-partition", "action-mkfs", "action-mount", "action-raid" })
            Assert.Equal(0, await page.GetByTestId(action).CountAsync());
        // The file manager lists and offers downloads, but no New folder, upload, Rename or Delete; the workspace
        // has no Move data, and the process view no signal menu.
        File.WriteAllText(Path.Combine(station.StationRoot, "readme.txt"), "for the help desk");
        await browser.GotoAsync(station, $"/units/station/files?path={Uri.EscapeDataString(station.StationRoot)}");
        var readme = page.GetByTestId("entry-readme.txt");
        await Assertions.Expect(readme).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await readme.GetByTestId("entry-menu").ClickAsync();
        await Assertions.Expect(readme.GetByTestId("entry-download")).ToBeVisibleAsync();
        foreach (var control in new[] { "new-folder", "upload-input", "entry-rename", "entry-delete", "entry-copy-over", "entry-move-over" })
            Assert.Equal(0, await page.GetByTestId(control).CountAsync());
        await browser.GotoAsync(station, "/");
        await Assertions.Expect(page.GetByTestId("start-task-station")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await page.GetByTestId("move-data").CountAsync());
        await browser.GotoAsync(station, "/units/station/processes");
        await Assertions.Expect(page.Locator("[data-testid^=process-]").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("[data-testid^=process-menu-]").CountAsync());

        // And the station refuses what the console does not offer.
        using var hdApi = await ApiClient.SignInAsync(station.BaseUrl, "hd", Password);
        var mkfs = await hdApi.SubmitAsync("storage.mkfs", "station", new { device = "/dev/loop0", fstype = "ext4" });
        Assert.Equal(HttpStatusCode.Forbidden, mkfs.Status);
        Assert.Contains("Task.storage.mkfs", mkfs.Detail);

        // An administrator grants unit-b: it appears on the open units page, live.
        await browser.GotoAsync(station, "/units");
        await Assertions.Expect(page.GetByTestId("unit-card-station")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var grant = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/acl")
        {
            Content = JsonContent.Create(new { path = "/units/unit-b", subject = "hd", role = "HelpDesk" }),
        });
        Assert.True(grant.Status == HttpStatusCode.OK, grant.ToString());
        await Assertions.Expect(page.GetByTestId("unit-card-unit-b")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await browser.ScreenshotAsync("helpdesk-tablet-units.png");

        // The audit log has the refusal and the grant.
        var audit = await admin.GetAsync("/api/v1/audit?limit=500");
        var lines = audit.Body.EnumerateArray().Select(e => (Actor: e.GetProperty("actor").GetString(), Action: e.GetProperty("action").GetString(), Outcome: e.GetProperty("outcome").GetString())).ToList();
        Assert.Contains(("hd", "task.submit storage.mkfs", "refused"), lines);
        Assert.Contains(("admin", "acl.grant", "succeeded"), lines);
    }

    [Fact]
    public async Task Administrator_GrantsAUnitOnTheAccessPage_AndTheAuditPageShowsIt()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        var created = await admin.PostJsonAsync("/api/v1/users", new { username = "hank", password = Password });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());

        await using var browser = await ConsoleBrowser.SignInAsync(station);
        var page = browser.Page;
        await browser.GotoAsync(station, "/access");
        await page.GetByTestId("grant-path").FillAsync("/units/station");
        await page.GetByTestId("grant-subject").FillAsync("hank");
        await page.GetByTestId("grant-role").SelectOptionAsync("Operator");
        await page.GetByTestId("grant-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("acl-row-hank-/units/station")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("access-message")).ToContainTextAsync("granted Operator on /units/station to hank");
        await Assertions.Expect(page.GetByTestId("role-HelpDesk")).ToContainTextAsync("Task.fs.list");
        // An enrolment token, created as an auth.enrol task, is shown once with the agent's command line.
        await page.GetByTestId("enrol-note").FillAsync("rack 4 box 2");
        await page.GetByTestId("enrol-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("enrol-token")).ToContainTextAsync("--enrol", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("enrol-table")).ToContainTextAsync("rack 4 box 2");
        await browser.ScreenshotAsync("access-page.png", fullPage: true);
        var enrolTasks = await admin.GetAsync("/api/v1/tasks?limit=50");
        var enrolTask = enrolTasks.Body.EnumerateArray().First(t => t.GetProperty("kind").GetString() == "auth.enrol");
        Assert.Equal("succeeded", enrolTask.GetProperty("state").GetString());
        string shown = (await page.GetByTestId("enrol-token").InnerTextAsync()).Split("--enrol")[1].Trim();
        Assert.True(shown.Length >= 40, $"token shown: '{shown}'");
        Assert.DoesNotContain(shown, enrolTask.GetProperty("result").GetRawText());
        var acl = await admin.GetAsync("/api/v1/acl");
        Assert.Contains(acl.Body.EnumerateArray(), e => e.GetProperty("subject").GetString() == "hank" && e.GetProperty("role").GetString() == "Operator");

        // Revoking asks first and names what goes; deleting a user wants the name typed.
        var hankRow = page.GetByTestId("acl-row-hank-/units/station");
        await hankRow.GetByTestId("acl-revoke").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-text")).ToContainTextAsync("Revoke Operator on /units/station from hank?");
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(hankRow).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await page.GetByTestId("user-row-hank").GetByTestId("user-delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-yes")).ToBeDisabledAsync();
        await page.GetByTestId("confirm-typed").FillAsync("hank");
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-row-hank")).ToHaveCountAsync(0, new() { Timeout = 30_000 });

        await browser.GotoAsync(station, "/audit");
        await Assertions.Expect(page.GetByTestId("audit-table")).ToContainTextAsync("acl.grant", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("audit-table")).ToContainTextAsync("hank on /units/station");
        await Assertions.Expect(page.GetByTestId("audit-table")).ToContainTextAsync("acl.revoke");
        await browser.ScreenshotAsync("audit-page.png");
    }
}
