using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>Live progress: the station's task hub pushes changes; on a terminal the CLI draws bars and Ctrl-C detaches.</summary>
public sealed partial class CliEndToEndTests
{
    private HubConnection TaskHub(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(Station.BaseUrl, TaskHubNames.Path), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            TestTls.Configure(o);
        })
        .Build();

    [Fact]
    public async Task TaskHub_PushesTheFollowedTasksChanges_OnlyToWhoMaySeeThem()
    {
        // A task that would run a minute: followed while it runs, then cancelled through REST; its end must be pushed.
        long id = await fixture.Admin.StartAsync(TaskKinds.MaintenanceHold, "station", new { resource = "disks/hub-push", seconds = 60, reason = "hub test" });
        await using var admin = TaskHub(fixture.Admin.Token!);
        var ended = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pushes = 0;
        admin.On<JsonElement>(TaskHubNames.TaskChanged, t =>
        {
            Interlocked.Increment(ref pushes);
            if (t.GetProperty("id").GetInt64() == id && ApiClient.EndStates.Contains(t.GetProperty("state").GetString())) ended.TrySetResult(t);
        });
        await admin.StartAsync().WaitAsync(Timeouts.Request);
        var now = await admin.InvokeAsync<JsonElement[]>(TaskHubNames.Follow, new[] { id }).WaitAsync(Timeouts.Request);
        Assert.Equal(id, Assert.Single(now).GetProperty("id").GetInt64());
        Assert.DoesNotContain(now[0].GetProperty("state").GetString(), ApiClient.EndStates);
        var cancel = await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null);
        Assert.True(cancel.Status == HttpStatusCode.OK, cancel.ToString());
        var last = await ended.Task.WaitAsync(Timeouts.ShortTask);
        Assert.Equal("cancelled", last.GetProperty("state").GetString());
        Assert.True(pushes >= 1);

        // Another user who may not see the station's tasks is told it does not exist, as REST says.
        string name = "hubber" + Guid.NewGuid().ToString("N")[..6];
        const string password = "hub-user-password-1";
        await fixture.Admin.CreateUserAsync(name, password, "Operator", "/units/elsewhere");
        using var other = await ApiClient.SignInAsync(Station.BaseUrl, name, password);
        await using var otherHub = TaskHub(other.Token!);
        await otherHub.StartAsync().WaitAsync(Timeouts.Request);
        var refused = await Assert.ThrowsAsync<HubException>(() => otherHub.InvokeAsync<JsonElement[]>(TaskHubNames.Follow, new[] { id }).WaitAsync(Timeouts.Request));
        Assert.Contains($"task {id} does not exist", refused.Message, StringComparison.Ordinal);

        // Without a token the hub is not even negotiated.
        using var anonymous = ApiClient.Anonymous(Station.BaseUrl);
        var negotiate = await anonymous.PostRawAsync(TaskHubNames.Path + "/negotiate?negotiateVersion=1", "", "text/plain");
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.Status);
    }

    /// <summary>Issue 16.3 for the console-facing hub: each hostile argument is refused in words and the connection stays up.</summary>
    [Fact]
    public async Task TaskHub_RefusesHostileArgumentsInWords_AndStaysConnected()
    {
        await using var hub = TaskHub(fixture.Admin.Token!);
        await hub.StartAsync().WaitAsync(Timeouts.Request);
        var hostile = new (string Method, object?[] Args, string Says)[]
        {
            (TaskHubNames.Follow, [null], "follow 1 to"),
            (TaskHubNames.Follow, [Array.Empty<long>()], "follow 1 to"),
            (TaskHubNames.Follow, [Enumerable.Range(1, 1001).Select(i => (long)i).ToArray()], "follow 1 to"),
            (TaskHubNames.Follow, [new[] { -1L }], "does not exist"),
            (TaskHubNames.Follow, [new[] { long.MaxValue }], "does not exist"),
            (TaskHubNames.Follow, ["not a list of ids"], ""),
            (TaskHubNames.Unfollow, [Enumerable.Range(1, 1001).Select(i => (long)i).ToArray()], "at most"),
            (TaskHubNames.Watch, ["not a flag"], ""),
            (TaskHubNames.Watch, [], ""),
            ("NoSuchMethod", [], ""),
        };
        foreach (var (method, args, says) in hostile)
        {
            var error = await Record.ExceptionAsync(() => hub.InvokeCoreAsync(method, typeof(object), args).WaitAsync(Timeouts.Request));
            var refusal = Assert.IsType<HubException>(error);
            Assert.False(string.IsNullOrWhiteSpace(refusal.Message), $"{method}: a refusal without words");
            Assert.Contains(says, refusal.Message, StringComparison.Ordinal);
            Assert.Equal(HubConnectionState.Connected, hub.State);
        }
        await hub.InvokeAsync(TaskHubNames.Unfollow, new[] { -5L, 0L }).WaitAsync(Timeouts.Request);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task OnATerminal_ProgressBarsRender_AndCtrlCDetachesWithoutCancelling()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string printed;
        using (var terminal = PseudoTerminal.Start(home.Path, "task run maintenance.hold -t station -p resource=disks/pty-test -p seconds=60 -p reason=pty"))
        {
            // A live progress row: the task's unit, state and kind, redrawn in place (cursor movement) with a percentage.
            await terminal.WaitUntilAsync(text => text.Contains("station running maintenance.hold", StringComparison.Ordinal)
                && text.Contains("\u001b[", StringComparison.Ordinal) && text.Contains('%'), "a live progress row", Timeouts.ShortTask);
            // Ctrl-C as typed on the terminal: the pseudo-terminal turns it into SIGINT for the CLI.
            await terminal.CtrlCAsync();
            printed = terminal.Output;
            Assert.True(terminal.ExitCode == 130, $"exit {terminal.ExitCode}\n{printed}");
        }
        var match = System.Text.RegularExpressions.Regex.Match(printed, @"Re-attach with: ccdsvm task watch (\d+)");
        Assert.True(match.Success, printed);
        long id = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // Detached, not cancelled: the task still runs; then it is cancelled here so the station is left clean.
        var task = await fixture.Admin.TaskAsync(id);
        Assert.Equal("running", task.GetProperty("state").GetString());
        var cancel = await cli.RunAsync("task", "cancel", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        var wait = await cli.RunAsync("task", "wait", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(wait.ExitCode == 1, wait.ToString());
        Assert.Contains("cancelled", wait.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskWatch_AfterTheStationRestarts_ReconnectsAndCatchesUpToTheEnd()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        long id = await fixture.Admin.StartAsync(TaskKinds.MaintenanceHold, "station", new { resource = "disks/reconnect", seconds = 300, reason = "reconnect test" });
        string idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var following = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = cli.RunAsync(["task", "watch", idText], timeout: TimeSpan.FromMinutes(3),
            onStderrLine: line => { if (line.Contains($"task {id} maintenance.hold on station: running", StringComparison.Ordinal)) following.TrySetResult(); });
        await following.Task.WaitAsync(Timeouts.ShortTask);

        // The station goes away under the follower (SIGKILL) and comes back on the same port and store.
        await Station.RestartAsync();
        await fixture.Admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        var now = await fixture.Admin.TaskAsync(id);
        if (!ApiClient.EndStates.Contains(now.GetProperty("state").GetString()))
        {
            // It may end by itself meanwhile (interrupted with its unit's restart): then there is nothing to cancel.
            var cancel = await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null);
            Assert.True(cancel.Status == System.Net.HttpStatusCode.OK || (cancel.Status == System.Net.HttpStatusCode.Conflict && cancel.Detail.Contains("already ended", StringComparison.Ordinal)),
                cancel.ToString());
        }
        var ended = await fixture.Admin.WaitForStateAsync(id, Timeouts.ShortTask, ApiClient.EndStates);

        // The follower reconnected by itself and ended with the task's real end state, not a connection error.
        var result = await watch;
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"task {id} maintenance.hold on station: {ended.GetProperty("state").GetString()}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("lost the connection", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("could not catch up", result.Stderr, StringComparison.Ordinal);
        // What the task's event log gained while the follower was away is said from the stored events.
        Assert.Matches($@"(?m)^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ task {id}: .*station restarted.* \(while reconnecting\)$", result.Stderr);
    }
}
