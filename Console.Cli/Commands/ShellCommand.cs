using System.CommandLine;
using System.Diagnostics;
using System.Net.WebSockets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// <c>ccdsvm shell UNIT</c>: a <c>system.terminal</c> task whose bytes this terminal carries in raw mode over the task's
/// WebSocket (GET /api/v1/terminal/{id}, the same stream the console's terminal page uses), resized with the window.
/// </summary>
public static class ShellCommand
{
    public static Command Shell()
    {
        var unit = new Argument<string>("UNIT") { Description = "the unit to open a shell on, e.g. station (see 'ccdsvm units list')" };
        var idle = new Option<int?>("--idle-timeout") { Description = $"end the session after this many seconds with nothing typed or shown (default {SystemTerminal.DefaultIdleSeconds})" };
        var command = new Command("shell", "A login shell on a unit in this terminal, as the local account the unit maps you to; leave it with 'exit'. "
            + "Needs Task.system.terminal on the unit (Administrator by default).") { unit, idle };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            if (System.Console.IsInputRedirected || System.Console.IsOutputRedirected)
                throw new CliException(ExitCodes.Usage, "ccdsvm shell needs a terminal on its input and output");
            var parameters = new Dictionary<string, int> { ["cols"] = Clamp(System.Console.WindowWidth, TerminalFrames.MinCols, TerminalFrames.MaxCols), ["rows"] = Clamp(System.Console.WindowHeight, TerminalFrames.MinRows, TerminalFrames.MaxRows) };
            if (parse.GetValue(idle) is { } seconds) parameters["idleTimeoutSeconds"] = seconds;
            using var client = inv.Open();
            var task = await client.PostAsync("api/v1/tasks", new { kind = TaskKinds.SystemTerminal, target = parse.GetValue(unit), parameters }, token).ConfigureAwait(false);
            long id = task.GetProperty("id").GetInt64();
            using var socket = new ClientWebSocket();
            if (client.Token is { } bearer) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
            socket.Options.RemoteCertificateValidationCallback = (_, c, ch, e) => client.Trust.Validate(c, ch, e);
            var url = new UriBuilder(new Uri(client.Url, $"api/v1/terminal/{id}")) { Scheme = client.Url.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
            try
            {
                await socket.ConnectAsync(url, token).ConfigureAwait(false);
            }
            catch (WebSocketException ex)
            {
                throw new CliException(ExitCodes.NotAllowed, $"the station did not open the stream of terminal task {id}: {ex.Message}", ex);
            }
            string reason = await RawTerminal.RunAsync(socket, token).ConfigureAwait(false);
            System.Console.Error.WriteLine($"\r\nccdsvm: terminal task {id} on {parse.GetValue(unit)}: {reason}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static int Clamp(int value, int min, int max) => Math.Clamp(value, min, max);
}

/// <summary>This terminal in raw mode (<c>stty raw -echo</c>, restored after) wired to a terminal WebSocket.</summary>
internal static class RawTerminal
{
    public static async Task<string> RunAsync(ClientWebSocket socket, CancellationToken ct)
    {
        string saved = Stty("-g").Trim();
        Stty("raw", "-echo");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A WebSocket takes one send at a time; keys and resizes come from two loops.
        using var gate = new SemaphoreSlim(1, 1);
        async Task Send(ReadOnlyMemory<byte> frame, CancellationToken token)
        {
            await gate.WaitAsync(token).ConfigureAwait(false);
            try { await socket.SendAsync(frame, WebSocketMessageType.Binary, true, token).ConfigureAwait(false); }
            finally { gate.Release(); }
        }
        Task resizing = Task.CompletedTask;
        try
        {
            // Reading the console blocks, so it gets a thread of its own that ends with the process.
            var typing = new Thread(() => Type(Send, stop.Token)) { IsBackground = true, Name = "shell input" };
            typing.Start();
            resizing = ResizeAsync(Send, stop.Token);
            var stdout = System.Console.OpenStandardOutput();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close) return socket.CloseStatusDescription is { Length: > 0 } why ? why : "the session ended";
                await stdout.WriteAsync(buffer.AsMemory(0, received.Count), ct).ConfigureAwait(false);
                await stdout.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (WebSocketException ex)
        {
            return "the connection to the station was lost: " + ex.Message;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            Stty(saved);
            await resizing.ConfigureAwait(false);
        }
    }

    private static void Type(Func<ReadOnlyMemory<byte>, CancellationToken, Task> send, CancellationToken ct)
    {
        using var stdin = System.Console.OpenStandardInput();
        var buffer = new byte[4096];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int n = stdin.Read(buffer, 1, buffer.Length - 1);
                if (n <= 0) return;
                buffer[0] = TerminalFrames.Input;
                send(buffer.AsMemory(0, n + 1), ct).GetAwaiter().GetResult();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException) { }
    }

    private static async Task ResizeAsync(Func<ReadOnlyMemory<byte>, CancellationToken, Task> send, CancellationToken ct)
    {
        (int, int) last = (-1, -1);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = (Math.Clamp(System.Console.WindowWidth, TerminalFrames.MinCols, TerminalFrames.MaxCols), Math.Clamp(System.Console.WindowHeight, TerminalFrames.MinRows, TerminalFrames.MaxRows));
                if (now != last)
                {
                    last = now;
                    await send(TerminalFrames.ResizeFrame(now.Item1, now.Item2), ct).ConfigureAwait(false);
                }
                await Task.Delay(500, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException) { }
    }

    private static string Stty(params string[] args)
    {
        var psi = new ProcessStartInfo("stty") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new CliException(ExitCodes.Usage, "stty could not be started; ccdsvm shell needs it to put the terminal in raw mode");
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
