using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// Administration from the CLI against the real station: accounts (add, passwd, lock, unlock), the ACL, fleet
/// enrolment tokens, unit tags, and <c>task watch</c> over every task without a terminal.
/// </summary>
public sealed partial class CliEndToEndTests
{
    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task<bool> SignsInAsync(Uri url, string user, string password)
    {
        try
        {
            using var signedIn = await ApiClient.SignInAsync(url, user, password);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Users_AddPasswdLockUnlock_TheStationHonoursEach_AndNobodyLocksThemselves()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string user = NewName("clilock");
        try
        {
            // Bad input is refused before any request.
            var badName = await cli.RunAsync(["users", "add", "no such name!", "--password-stdin"], stdin: "first-password-1\n");
            Assert.True(badName.ExitCode == 2, badName.ToString());
            var shortPassword = await cli.RunAsync(["users", "add", user, "--password-stdin"], stdin: "short\n");
            Assert.True(shortPassword.ExitCode == 2, shortPassword.ToString());
            Assert.Contains("at least 10 characters", shortPassword.Stderr, StringComparison.Ordinal);
            var noTerminal = await cli.RunAsync("users", "add", user);
            Assert.True(noTerminal.ExitCode == 2, noTerminal.ToString());
            Assert.Contains("--password-stdin", noTerminal.Stderr, StringComparison.Ordinal);

            var roleWithoutPath = await cli.RunAsync(["users", "add", user, "--role", "Operator", "--password-stdin"], stdin: "first-password-1\n");
            Assert.True(roleWithoutPath.ExitCode == 2, roleWithoutPath.ToString());

            var add = await cli.RunAsync(["users", "add", user, "--role", "operator", "--path", "/units/station", "--password-stdin", "-o", "json"], stdin: "first-password-1\n");
            Assert.True(add.ExitCode == 0, add.ToString());
            using (var doc = JsonDocument.Parse(add.Stdout))
                Assert.Equal("succeeded", doc.RootElement.GetProperty("grant").GetProperty("task").GetProperty("state").GetString());
            Assert.True(await SignsInAsync(Station.BaseUrl, user, "first-password-1"), "the new user cannot sign in with the password given");
            using (var first = await ApiClient.SignInAsync(Station.BaseUrl, user, "first-password-1"))
                Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/units/station")).Status);

            var passwd = await cli.RunAsync(["users", "passwd", user, "--password-stdin"], stdin: "second-password-2\n");
            Assert.True(passwd.ExitCode == 0, passwd.ToString());
            Assert.False(await SignsInAsync(Station.BaseUrl, user, "first-password-1"), "the old password still signs in");
            using var theirs = await ApiClient.SignInAsync(Station.BaseUrl, user, "second-password-2");
            Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync("/api/v1/auth/me")).Status);

            // A lock is destructive: without a terminal it needs --yes.
            var unconfirmed = await cli.RunAsync("users", "lock", user);
            Assert.True(unconfirmed.ExitCode == 2, unconfirmed.ToString());
            Assert.Contains("add --yes", unconfirmed.Stderr, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync("/api/v1/auth/me")).Status);

            var lockIt = await cli.RunAsync("users", "lock", user, "--yes");
            Assert.True(lockIt.ExitCode == 0, lockIt.ToString());
            using (var anonymous = ApiClient.Anonymous(Station.BaseUrl))
            {
                var refused = await anonymous.PostJsonAsync("/api/v1/auth/token", new { username = user, password = "second-password-2" });
                Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
                Assert.Contains("locked by an administrator", refused.Detail, StringComparison.Ordinal);
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await theirs.GetAsync("/api/v1/auth/me")).Status);
            var list = await cli.RunAsync("users", "list", "-o", "json");
            Assert.True(list.ExitCode == 0, list.ToString());
            using (var doc = JsonDocument.Parse(list.Stdout))
                Assert.True(doc.RootElement.EnumerateArray().Single(u => u.GetProperty("username").GetString() == user).GetProperty("disabled").GetBoolean());

            var unlock = await cli.RunAsync("users", "unlock", user);
            Assert.True(unlock.ExitCode == 0, unlock.ToString());
            Assert.True(await SignsInAsync(Station.BaseUrl, user, "second-password-2"), "the unlocked user cannot sign in");

            // The signed-in administrator cannot lock their own account: the station refuses the request (400 → 2).
            var self = await cli.RunAsync("users", "lock", "admin", "--yes");
            Assert.True(self.ExitCode == 2, self.ToString());
            Assert.Contains("your own account", self.Stderr, StringComparison.Ordinal);
            Assert.True(await SignsInAsync(Station.BaseUrl, "admin", Station.AdminPassword), "the administrator was locked out");
        }
        finally
        {
            await fixture.Admin.DeleteAsync("/api/v1/users/" + user);
        }
    }

    [Fact]
    public async Task AclGrantAndRevoke_GiveAndTakeWhatTheRoleAllows_BadPathsAndRolesAreRefusedFirst()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string user = NewName("cliacl");
        var created = await fixture.Admin.PostJsonAsync("/api/v1/users", new { username = user, password = "acl-password-1" });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        try
        {
            using var theirs = await ApiClient.SignInAsync(Station.BaseUrl, user, "acl-password-1");
            Assert.Equal(HttpStatusCode.NotFound, (await theirs.GetAsync("/api/v1/units/station")).Status);

            var badRole = await cli.RunAsync("acl", "grant", "/units/station", user, "Operatr");
            Assert.True(badRole.ExitCode == 2, badRole.ToString());
            Assert.Contains("did you mean Operator", badRole.Stderr, StringComparison.Ordinal);
            var badPath = await cli.RunAsync("acl", "grant", "/nowhere/station", user, "Operator");
            Assert.True(badPath.ExitCode == 2, badPath.ToString());
            Assert.Contains("under /units or /station", badPath.Stderr, StringComparison.Ordinal);

            var grant = await cli.RunAsync("acl", "grant", "/units/station", user, "operator");
            Assert.True(grant.ExitCode == 0, grant.ToString());
            Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync("/api/v1/units/station")).Status);
            var acl = await cli.RunAsync("acl", "list", "-o", "json");
            Assert.True(acl.ExitCode == 0, acl.ToString());
            using (var doc = JsonDocument.Parse(acl.Stdout))
                Assert.Contains(doc.RootElement.EnumerateArray(), e => e.GetProperty("subject").GetString() == user
                    && e.GetProperty("path").GetString() == "/units/station" && e.GetProperty("role").GetString() == "Operator");

            var unconfirmed = await cli.RunAsync("acl", "revoke", "/units/station", user, "Operator");
            Assert.True(unconfirmed.ExitCode == 2, unconfirmed.ToString());
            Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync("/api/v1/units/station")).Status);
            var revoke = await cli.RunAsync("acl", "revoke", "/units/station", user, "Operator", "--yes");
            Assert.True(revoke.ExitCode == 0, revoke.ToString());
            Assert.Equal(HttpStatusCode.NotFound, (await theirs.GetAsync("/api/v1/units/station")).Status);
        }
        finally
        {
            await fixture.Admin.DeleteAsync($"/api/v1/acl?path=/units/station&subject={user}");
            await fixture.Admin.DeleteAsync("/api/v1/users/" + user);
        }
    }

    [Fact]
    public async Task EnrolCreateWithACount_ListsUsesOfCount_RevokeEndsIt()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);

        var zero = await cli.RunAsync("enrol", "create", "--count", "0");
        Assert.True(zero.ExitCode == 2, zero.ToString());

        var create = await cli.RunAsync("enrol", "create", "--count", "3", "--note", "cli fleet", "-o", "json");
        Assert.True(create.ExitCode == 0, create.ToString());
        long id;
        using (var doc = JsonDocument.Parse(create.Stdout))
        {
            Assert.Equal(3, doc.RootElement.GetProperty("count").GetInt32());
            Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("token").GetString()));
            id = doc.RootElement.GetProperty("id").GetInt64();
        }
        string number = id.ToString(CultureInfo.InvariantCulture);
        try
        {
            var list = await cli.RunAsync("enrol", "list", "-o", "json");
            Assert.True(list.ExitCode == 0, list.ToString());
            using (var doc = JsonDocument.Parse(list.Stdout))
            {
                var token = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == id);
                Assert.Equal((3, 0, "pending"), (token.GetProperty("count").GetInt32(), token.GetProperty("uses").GetInt32(), token.GetProperty("state").GetString()));
            }
            var table = await cli.RunAsync("enrol", "list");
            Assert.Contains("0/3", table.Stdout, StringComparison.Ordinal);

            var unconfirmed = await cli.RunAsync("enrol", "revoke", number);
            Assert.True(unconfirmed.ExitCode == 2, unconfirmed.ToString());
            var revoke = await cli.RunAsync("enrol", "revoke", number, "--yes");
            Assert.True(revoke.ExitCode == 0, revoke.ToString());
            var after = await cli.RunAsync("enrol", "list", "-o", "json");
            using (var doc = JsonDocument.Parse(after.Stdout))
                Assert.Equal("revoked", doc.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == id).GetProperty("state").GetString());
        }
        finally
        {
            await fixture.Admin.PostJsonAsync($"/api/v1/enrolments/{number}/revoke", null);
        }
    }

    private async Task<List<string>> TagsAsync()
    {
        var unit = await fixture.Admin.GetAsync("/api/v1/units/station");
        return unit.Body.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array ? [.. tags.EnumerateArray().Select(t => t.GetString()!)] : [];
    }

    [Fact]
    public async Task UnitsTag_AddsAndRemovesTags_BadTagsAreRefusedFirst()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        var before = await TagsAsync();
        try
        {
            var bad = await cli.RunAsync("units", "tag", "station", "Not Valid");
            Assert.True(bad.ExitCode == 2, bad.ToString());
            Assert.Contains("lower-case letters", bad.Stderr, StringComparison.Ordinal);
            var nothing = await cli.RunAsync("units", "tag", "station");
            Assert.True(nothing.ExitCode == 2, nothing.ToString());
            var unknown = await cli.RunAsync("units", "tag", "no-such-unit", "rack-4");
            Assert.True(unknown.ExitCode == 4, unknown.ToString());

            var add = await cli.RunAsync("units", "tag", "station", "cli-rack-4", "cli-db");
            Assert.True(add.ExitCode == 0, add.ToString());
            var added = await TagsAsync();
            Assert.Contains("cli-rack-4", added);
            Assert.Contains("cli-db", added);
            Assert.All(before, t => Assert.Contains(t, added));

            var remove = await cli.RunAsync("units", "tag", "station", "--remove", "cli-db");
            Assert.True(remove.ExitCode == 0, remove.ToString());
            var removed = await TagsAsync();
            Assert.Contains("cli-rack-4", removed);
            Assert.DoesNotContain("cli-db", removed);
        }
        finally
        {
            await fixture.Admin.PutJsonAsync("/api/v1/units/station/tags", new { tags = before });
        }
    }

    [Fact]
    public async Task TaskWatchAll_WithoutATerminal_PrintsALineForATaskStartedMeanwhile_EndsOnSigint()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        using var watch = cli.Start(["task", "watch", "--all"]);
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long id = 0;
        var lineSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readingErr = Task.Run(async () =>
        {
            while (await watch.StandardError.ReadLineAsync() is { } line)
            {
                lock (stderr) stderr.AppendLine(line);
                if (line.Contains("watching", StringComparison.Ordinal)) watching.TrySetResult();
            }
        });
        var readingOut = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (stdout) stdout.AppendLine(line);
                long wanted = Interlocked.Read(ref id);
                if (wanted > 0 && line.Contains($"task {wanted} maintenance.hold on station", StringComparison.Ordinal)) lineSeen.TrySetResult();
            }
        });
        string Printed() { lock (stdout) lock (stderr) return $"--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"; }
        try
        {
            if (await Task.WhenAny(watching.Task, Task.Delay(Timeouts.ShortTask)) != watching.Task) Assert.Fail("the watch never started:\n" + Printed());
            Interlocked.Exchange(ref id, await fixture.Admin.StartAsync("maintenance.hold", "station", new { resource = "disks/watch-test", seconds = 60, reason = "cli watch test" }));
            if (await Task.WhenAny(lineSeen.Task, Task.Delay(Timeouts.ShortTask)) != lineSeen.Task)
                Assert.Fail($"no line for task {id}, started while watching:\n" + Printed());

            // Ctrl-C: SIGINT to the CLI process ends the watch.
            using (var kill = Process.Start("kill", ["-INT", watch.Id.ToString(CultureInfo.InvariantCulture)])!)
                await kill.WaitForExitAsync().WaitAsync(Timeouts.ProcessExit);
            await watch.WaitForExitAsync().WaitAsync(Timeouts.ProcessExit);
            await Task.WhenAll(readingOut, readingErr).WaitAsync(Timeouts.ProcessExit);
            Assert.True(watch.ExitCode is 0 or 130, $"exit {watch.ExitCode}\n{Printed()}");
        }
        finally
        {
            if (!watch.HasExited) watch.Kill(entireProcessTree: true);
            if (id > 0) await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null);
        }
    }

    [Fact]
    public async Task TaskWatchMine_OnATerminal_DrawsALiveTable_CtrlCEndsWithExit0AndTheCursorBack()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        long id = await fixture.Admin.StartAsync("maintenance.hold", "station", new { resource = "disks/watch-tty", seconds = 60, reason = "cli watch tty" });
        string printed;
        try
        {
            using var terminal = PseudoTerminal.Start(home.Path, "task watch --mine");
            // The live table: its header and the held task's row, drawn with cursor control.
            await terminal.WaitUntilAsync(text => text.Contains("STATE", StringComparison.Ordinal) && text.Contains("maintenance.hold", StringComparison.Ordinal)
                && text.Contains(id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) && text.Contains("\u001b[", StringComparison.Ordinal),
                "the live task table", Timeouts.ShortTask);
            await terminal.CtrlCAsync();
            printed = terminal.Output;
            Assert.True(terminal.ExitCode == 0, $"exit {terminal.ExitCode}\n{printed}");
        }
        finally
        {
            await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null);
        }
        // The cursor the live display hid is shown again: the terminal is left as it was.
        int hidden = printed.LastIndexOf("\u001b[?25l", StringComparison.Ordinal);
        Assert.True(hidden < 0 || printed.IndexOf("\u001b[?25h", hidden, StringComparison.Ordinal) > hidden, "the cursor stayed hidden:\n" + printed);
    }

    [Fact]
    public async Task TaskHubWatch_PushesNewTasksToWhoMaySeeThem_AndNotToOthers()
    {
        string name = "watcher" + Guid.NewGuid().ToString("N")[..6];
        const string password = "watch-user-password-1";
        await fixture.Admin.CreateUserAsync(name, password, "Operator", "/units/elsewhere");
        long id = 0;
        try
        {
            using var other = await ApiClient.SignInAsync(Station.BaseUrl, name, password);
            await using var adminHub = TaskHub(fixture.Admin.Token!);
            await using var otherHub = TaskHub(other.Token!);
            var adminSaw = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            var otherSaw = new List<long>();
            adminHub.On<JsonElement>(TaskHubNames.TaskChanged, t =>
            {
                if (t.GetProperty("id").GetInt64() == Interlocked.Read(ref id) && t.GetProperty("state").GetString() == "cancelled") adminSaw.TrySetResult(t);
            });
            otherHub.On<JsonElement>(TaskHubNames.TaskChanged, t => { lock (otherSaw) otherSaw.Add(t.GetProperty("id").GetInt64()); });
            await adminHub.StartAsync().WaitAsync(Timeouts.Request);
            await otherHub.StartAsync().WaitAsync(Timeouts.Request);
            await adminHub.InvokeAsync<JsonElement[]>(TaskHubNames.Watch, false).WaitAsync(Timeouts.Request);
            var otherNow = await otherHub.InvokeAsync<JsonElement[]>(TaskHubNames.Watch, false).WaitAsync(Timeouts.Request);
            Assert.DoesNotContain(otherNow, t => t.GetProperty("target").GetString() == "station");

            Interlocked.Exchange(ref id, await fixture.Admin.StartAsync("maintenance.hold", "station", new { resource = "disks/hub-watch", seconds = 60, reason = "hub watch test" }));
            var cancel = await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null);
            Assert.True(cancel.Status == HttpStatusCode.OK, cancel.ToString());
            await adminSaw.Task.WaitAsync(Timeouts.ShortTask);
            // The relay sends in order: a push to the other watcher would have gone before this marker task's end.
            long marker = await fixture.Admin.StartAsync("maintenance.hold", "station", new { resource = "disks/hub-watch-2", seconds = 60, reason = "hub watch marker" });
            await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{marker}/cancel", null);
            await fixture.Admin.WaitForStateAsync(marker, Timeouts.ShortTask, "cancelled");
            lock (otherSaw) Assert.DoesNotContain(id, otherSaw);
            lock (otherSaw) Assert.DoesNotContain(marker, otherSaw);
        }
        finally
        {
            if (id > 0) await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null);
            await fixture.Admin.DeleteAsync($"/api/v1/acl?path=/units/elsewhere&subject={name}");
            await fixture.Admin.DeleteAsync("/api/v1/users/" + name);
        }
    }
}
