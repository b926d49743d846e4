using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// One station whose own unit maps the station users admin and term-admin2 to a local account the fixture makes (with a
/// clean home, so no dotfile of the machine slows the login shell; the agent, as root, switches to it with setpriv) and
/// everybody else to nobody, who may not log in; plus an Operator, who holds no terminal privilege.
/// </summary>
public sealed class TerminalStationFixture : IAsyncLifetime
{
    public const string OperatorPassword = "terminal-operator-password-1";

    private StationProcess? _station;
    private ApiClient? _admin;

    public StationProcess Station => _station ?? throw new InvalidOperationException("the station is not started");
    public ApiClient Admin => _admin ?? throw new InvalidOperationException("the station is not started");

    /// <summary>The unit-local account the terminals run as.</summary>
    public string Account { get; } = "ccterm" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        Needs.Root("the agent switches the terminal's shell to a local account the test makes with useradd");
        Needs.Tools(["useradd"]);
        await HostTool.RunAsync("useradd", "--create-home", "--shell", "/bin/bash", Account);
        _station = await StationProcess.StartAsync(new StationSettings
        {
            Environment = new Dictionary<string, string>
            {
                ["Agent__TerminalAccounts__0"] = "admin=" + Account, ["Agent__TerminalAccounts__1"] = "term-admin2=" + Account, ["Agent__TerminalAccounts__2"] = "*=nobody",
            },
        });
        _admin = await _station.AdminAsync();
        await _admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        await _admin.CreateUserAsync("term-operator", OperatorPassword, "Operator", "/");
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        try
        {
            if (_station is not null) await _station.DisposeAsync();
        }
        finally
        {
            await HostTool.RunAsync("userdel", ["--remove", Account], check: false);
        }
    }
}

/// <summary>
/// The terminal in a real browser: xterm.js over the task's WebSocket to a real pseudo-terminal on the station's own
/// unit. Typing <c>echo $((6*7))</c> shows 42; a narrower window changes what <c>stty size</c> says; <c>exit</c> ends the
/// session and its task with the shell's exit code. Refusals at the station, and the idle timeout, over REST.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TerminalBrowserTests(TerminalStationFixture fixture) : IClassFixture<TerminalStationFixture>
{
    private StationProcess Station => fixture.Station;

    [Fact]
    public async Task Terminal_runs_a_shell_resizes_and_ends_with_exit()
    {
        await using var browser = await ConsoleBrowser.SignInAsync(Station, "admin", Station.AdminPassword, 1366, 900);
        var page = browser.Page;
        await browser.GotoAsync(Station, "/units/station");
        await page.GetByTestId("unit-terminal-link").ClickAsync();
        var state = page.GetByTestId("terminal-state");
        await Assertions.Expect(state).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("connected|ended"), new() { Timeout = 30_000 });
        if ((await state.TextContentAsync())?.Trim() != "connected")
            Assert.Fail($"the terminal did not connect: {await page.GetByTestId("terminal-ended").Or(page.GetByTestId("terminal-error")).First.TextContentAsync()}");
        string session = (await page.GetByTestId("terminal-screen").GetAttributeAsync("data-session"))!;
        long taskId = long.Parse((await page.GetByTestId("terminal-task").TextContentAsync())!.Replace("task ", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

        await page.GetByTestId("terminal-screen").ClickAsync();
        await page.Keyboard.TypeAsync("echo $((6*7)) $(id -un)\n");
        await WaitForLineAsync(page, session, l => l.Trim() == "42 " + fixture.Account);
        await browser.ScreenshotAsync("terminal-desktop.png");

        await page.SetViewportSizeAsync(390, 844);
        var (cols, rows) = await SizeAsync(page, session, c => c < 60);
        await page.GetByTestId("terminal-screen").ClickAsync();
        await page.Keyboard.TypeAsync("clear; stty size\n");
        await WaitForLineAsync(page, session, l => l.Trim() == $"{rows} {cols}");
        await Assertions.Expect(page.GetByTestId("terminal-key-ctrl")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("terminal-phone.png");

        await page.Keyboard.TypeAsync("exit 3\n");
        await Assertions.Expect(page.GetByTestId("terminal-ended")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var task = await fixture.Admin.WaitForStateAsync(taskId, Timeouts.ShortTask);
        Assert.Equal("succeeded", task.GetProperty("state").GetString());
        var result = task.GetProperty("result");
        Assert.Equal("exited", result.GetProperty("ended").GetString());
        Assert.Equal(3, result.GetProperty("exitCode").GetInt32());
        Assert.Equal(fixture.Account, result.GetProperty("account").GetString());
        await AssertAuditedAsync(taskId);
    }

    [Fact]
    public async Task A_user_without_the_terminal_privilege_is_refused_at_the_station()
    {
        using var op = await ApiClient.SignInAsync(Station.BaseUrl, "term-operator", TerminalStationFixture.OperatorPassword);
        var refused = await op.SubmitAsync(TaskKinds.SystemTerminal, "station", new { });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("Task.system.terminal", refused.Detail);

        // Nor may they type in the administrator's terminal: its stream is for its owner only.
        long adminTask = await fixture.Admin.StartAsync(TaskKinds.SystemTerminal, "station", new { idleTimeoutSeconds = 30 });
        var stolen = await op.GetAsync($"/api/v1/terminal/{adminTask}");
        Assert.True(stolen.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, stolen.ToString());
        await fixture.Admin.PostJsonAsync($"/api/v1/tasks/{adminTask}/cancel", null);
        var cancelled = await fixture.Admin.WaitForStateAsync(adminTask, Timeouts.ShortTask);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_idle_session_ends_by_itself_and_gives_its_slot_back()
    {
        long id = await fixture.Admin.StartAsync(TaskKinds.SystemTerminal, "station", new { idleTimeoutSeconds = 3 });
        var started = DateTimeOffset.UtcNow;
        var task = await fixture.Admin.WaitForStateAsync(id, TimeSpan.FromSeconds(20));
        Assert.Equal("succeeded", task.GetProperty("state").GetString());
        Assert.Equal("idle timeout", task.GetProperty("result").GetProperty("ended").GetString());
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(3), "the session ended before its idle timeout");
        Assert.True(!task.TryGetProperty("slot", out var slot) || slot.ValueKind == JsonValueKind.Null, $"the ended session still holds slot {slot}");
        var locks = (await fixture.Admin.GetAsync("/api/v1/locks")).Body.GetProperty("held");
        Assert.DoesNotContain(locks.EnumerateArray(), l => l.GetProperty("taskId").GetInt64() == id);
    }

    [Fact]
    public async Task A_session_whose_user_loses_the_right_is_ended_by_the_station()
    {
        await fixture.Admin.CreateUserAsync("term-admin2", TerminalStationFixture.OperatorPassword, "Administrator", "/units/station");
        using var user = await ApiClient.SignInAsync(Station.BaseUrl, "term-admin2", TerminalStationFixture.OperatorPassword);
        long id = await user.StartAsync(TaskKinds.SystemTerminal, "station", new { idleTimeoutSeconds = 60 });
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + user.Token);
        socket.Options.RemoteCertificateValidationCallback = TestTls.Callback;
        await socket.ConnectAsync(new UriBuilder(new Uri(Station.BaseUrl, $"/api/v1/terminal/{id}")) { Scheme = Station.BaseUrl.Scheme == "https" ? "wss" : "ws" }.Uri, limit.Token);
        await socket.SendAsync(TerminalFrames.ResizeFrame(100, 30), System.Net.WebSockets.WebSocketMessageType.Binary, true, limit.Token);

        var revoked = await fixture.Admin.DeleteAsync("/api/v1/acl?path=/units/station&subject=term-admin2&role=Administrator");
        Assert.True(revoked.Status == HttpStatusCode.OK, revoked.ToString());

        var buffer = new byte[16 * 1024];
        while ((await socket.ReceiveAsync(buffer, limit.Token)).MessageType != System.Net.WebSockets.WebSocketMessageType.Close) { }
        Assert.Contains("term-admin2 no longer holds Task.system.terminal", socket.CloseStatusDescription);
        var task = await fixture.Admin.WaitForStateAsync(id, Timeouts.ShortTask);
        Assert.Equal("right lost", task.GetProperty("result").GetProperty("ended").GetString());
    }

    private async Task AssertAuditedAsync(long taskId)
    {
        // The engine audits every task's start and end with its user and unit; a terminal is no exception.
        var audit = await fixture.Admin.GetAsync($"/api/v1/audit?actor=admin&text={Uri.EscapeDataString($"task {taskId} ")}");
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        Assert.Contains("task.start", audit.Text);
        Assert.Contains("task.end", audit.Text);
        Assert.Contains($"task {taskId} system.terminal on station", audit.Text);
    }

    private static async Task<(int Cols, int Rows)> SizeAsync(IPage page, string session, Func<int, bool> until)
    {
        // The size settles once the page has laid out again (the key row appears on a narrow screen): the same twice, 500 ms apart.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        int[] last = [];
        while (true)
        {
            var size = await page.EvaluateAsync<int[]>("id => { const t = window.ccdsvmTerminal.sessions.get(id).term; return [t.cols, t.rows]; }", session);
            if (until(size[0]) && size.SequenceEqual(last)) return (size[0], size[1]);
            last = size;
            await Task.Delay(500, limit.Token);
        }
    }

    private static async Task WaitForLineAsync(IPage page, string session, Func<string, bool> wanted)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        string text = "";
        while (!limit.IsCancellationRequested)
        {
            text = await page.EvaluateAsync<string>("id => window.ccdsvmTerminal.text(id)", session);
            if (text.Split('\n').Any(wanted)) return;
            try { await Task.Delay(100, limit.Token); }
            catch (OperationCanceledException) { break; }
        }
        throw new TimeoutException($"the terminal did not show the line within 15 s; it shows:\n{text}");
    }
}
