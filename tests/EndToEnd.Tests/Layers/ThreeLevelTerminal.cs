using System.Net.WebSockets;
using System.Text;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// A terminal to u7 opened at the top, two stations down (README, "Terminal", layers), all real processes: the top's
/// WebSocket, the bytes carried by mid-1's and mid-2's uplinks, a real pseudo-terminal on u7 as the local account u7 maps
/// admin@top to. Typed at the top, <c>echo $((6*7))</c> answers 42 from u7; mid-2 shows its own terminal task, owned by
/// admin@top; <c>exit</c> ends the session everywhere.
/// </summary>
/// <remarks>Run inside <see cref="ThreeLevelTaskTests"/>'s fleet, once both mids granted admin@top Administrator on u7.</remarks>
internal static class ThreeLevelTerminal
{
    /// <summary>The local account the test makes on this machine for u7's terminal (<see cref="U7Environment"/>).</summary>
    public static readonly string Account = "cclayer" + Guid.NewGuid().ToString("N")[..8];

    public static IReadOnlyDictionary<string, string> U7Environment => new Dictionary<string, string> { ["Agent__TerminalAccounts__0"] = "*=" + Account };

    public static async Task CheckAsync(LayeredFleet fleet)
    {
        Needs.Root("u7's agent switches the terminal's shell to a local account the test makes with useradd");
        Needs.Tools(["useradd"]);
        await HostTool.RunAsync("useradd", "--create-home", "--shell", "/bin/sh", Account);
        try
        {
            await RunAsync(fleet);
        }
        finally
        {
            await HostTool.RunAsync("userdel", ["--remove", Account], check: false);
        }
    }

    private static async Task RunAsync(LayeredFleet fleet)
    {
        var top = fleet.TopAdmin;
        long id = await top.StartAsync(TaskKinds.SystemTerminal, LayeredFleet.U7Name, new { idleTimeoutSeconds = 60 });
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + top.Token);
        socket.Options.RemoteCertificateValidationCallback = TestTls.Callback;
        var url = new UriBuilder(new Uri(fleet.Top.BaseUrl, $"/api/v1/terminal/{id}")) { Scheme = fleet.Top.BaseUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(url, limit.Token);
        await socket.SendAsync(TerminalFrames.ResizeFrame(100, 30), WebSocketMessageType.Binary, true, limit.Token);
        await socket.SendAsync(Typed("echo $((6*7)) $(id -un)\r"), WebSocketMessageType.Binary, true, limit.Token);

        var seen = new StringBuilder();
        var buffer = new byte[16 * 1024];
        while (!seen.ToString().Contains("42 " + Account, StringComparison.Ordinal))
        {
            var received = await socket.ReceiveAsync(buffer, limit.Token);
            Assert.True(received.MessageType != WebSocketMessageType.Close, $"the session closed before u7 answered: {socket.CloseStatusDescription}; seen: {seen}");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        // mid-2 runs its own terminal task for admin@top, which the unit's agent ran.
        var atMid2 = (await fleet.Mid2Admin.GetAsync($"/api/v1/tasks?target={LayeredFleet.U7Name}&kind={TaskKinds.SystemTerminal}")).Body;
        var mid2Task = Assert.Single((atMid2.ValueKind == System.Text.Json.JsonValueKind.Array ? atMid2 : atMid2.GetProperty("items")).EnumerateArray());
        Assert.Equal("admin@top", mid2Task.GetProperty("owner").GetString());

        await socket.SendAsync(Typed("exit\r"), WebSocketMessageType.Binary, true, limit.Token);
        while ((await socket.ReceiveAsync(buffer, limit.Token)).MessageType != WebSocketMessageType.Close) { }
        var ended = await top.WaitForStateAsync(id, Timeouts.ShortTask);
        Assert.True(ended.GetProperty("state").GetString() == "succeeded", ended.ToString());
        Assert.Equal((Account, "exited"), (ended.GetProperty("result").GetProperty("account").GetString(), ended.GetProperty("result").GetProperty("ended").GetString()));
    }

    private static byte[] Typed(string text) => [TerminalFrames.Input, .. Encoding.UTF8.GetBytes(text)];
}
