using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Spectre.Console;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// <c>ccdsvm task watch</c> without ids: every task the caller may see (or only their own), live like <c>top</c>.
/// The station's task hub pushes each change (<see cref="TaskHubNames.Watch"/>); nothing is polled. On a terminal a
/// table redrawn in place (running tasks first, then the most recent); otherwise one plain line per change (one JSON
/// object per line with -o json). Ctrl-C ends it with exit 0 and the terminal as it was.
/// </summary>
public sealed class TaskWatch(Invocation inv, StationClient client)
{
    private const int Rows = 30;
    private readonly Dictionary<long, JsonElement> _tasks = [];
    private readonly Dictionary<long, string> _printed = [];

    public async Task<int> RunAsync(bool mine, CancellationToken ct)
    {
        var updates = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleReader = true });
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(client.Url, TaskHubNames.Path.TrimStart('/')), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult(client.Token);
                o.HttpMessageHandlerFactory = _ => client.Trust.Handler();
                o.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = (_, c, ch, e) => client.Trust.Validate(c, ch, e);
            })
            .WithAutomaticReconnect()
            .Build();
        await using (hub.ConfigureAwait(false))
        {
            hub.On<JsonElement>(TaskHubNames.TaskChanged, task => updates.Writer.TryWrite(task));
            hub.Reconnected += async _ =>
            {
                // Watch again: the station answers the tasks as they are now, so nothing done meanwhile is missed.
                using var limit = new CancellationTokenSource(StationClient.RequestTimeout);
                try
                {
                    foreach (var view in await hub.InvokeAsync<JsonElement[]>(TaskHubNames.Watch, mine, limit.Token).ConfigureAwait(false))
                        updates.Writer.TryWrite(view);
                }
                catch (Exception ex) when (ex is HubException or InvalidOperationException or HttpRequestException or OperationCanceledException)
                {
                    updates.Writer.TryComplete(new CliException(ExitCodes.Unreachable, $"reconnected to {client.Url} but could not watch the tasks again: {ex.Message}", ex));
                }
            };
            hub.Closed += error =>
            {
                updates.Writer.TryComplete(error is null ? null
                    : new CliException(ExitCodes.Unreachable, $"lost the connection to the station's task hub at {client.Url}: {error.Message}"));
                return Task.CompletedTask;
            };
            JsonElement[] now;
            try
            {
                await hub.StartAsync(ct).ConfigureAwait(false);
                now = await hub.InvokeAsync<JsonElement[]>(TaskHubNames.Watch, mine, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            catch (HttpRequestException ex)
            {
                if (client.Trust.LastRefusal is { } reason) throw new CliException(ExitCodes.NotAllowed, $"refusing the station at {client.Url}: {reason}", ex);
                throw new CliException(ExitCodes.Unreachable, $"cannot watch the tasks live at {client.Url}{TaskHubNames.Path}: {ex.Message}", ex);
            }
            catch (HubException ex)
            {
                throw new CliException(ExitCodes.NotAllowed, ex.Message, ex);
            }
            foreach (var view in now) _tasks[Id(view)] = view;
            inv.Note($"watching {(mine ? "your" : "all visible")} tasks ({now.Length} recent); Ctrl-C ends");
            try
            {
                if (inv.LiveProgress) await TableAsync(updates.Reader, ct).ConfigureAwait(false);
                else
                {
                    foreach (var view in now.Where(v => !TaskFollower.IsEnded(v)).Reverse()) Line(view);
                    await foreach (var view in updates.Reader.ReadAllAsync(ct).ConfigureAwait(false)) Line(view);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C is how a watch ends.
            }
            catch (ChannelClosedException ex) when (ex.InnerException is CliException lost)
            {
                throw new CliException(lost.ExitCode, lost.Message, ex);
            }
        }
        return ExitCodes.Success;
    }

    private static long Id(JsonElement view) => view.GetProperty("id").GetInt64();

    /// <summary>The table redrawn in place on each change, cut at the bottom to the terminal (running tasks stay in sight); the Live display gives the cursor back when it ends.</summary>
    private async Task TableAsync(ChannelReader<JsonElement> updates, CancellationToken ct)
    {
        await inv.Out.Live(Table()).AutoClear(false).Overflow(VerticalOverflow.Crop).Cropping(VerticalOverflowCropping.Bottom).StartAsync(async live =>
        {
            try
            {
                while (await updates.WaitToReadAsync(ct).ConfigureAwait(false))
                {
                    while (updates.TryRead(out var view)) _tasks[Id(view)] = view;
                    live.UpdateTarget(Table());
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ends the display cleanly; the caller returns 0.
            }
        }).ConfigureAwait(false);
    }

    private Table Table()
    {
        var table = new Table { Border = TableBorder.Rounded }.Title($"tasks at {client.Url.Host} — {DateTime.UtcNow:HH:mm:ss}Z (Ctrl-C ends)");
        // Every column but the last keeps to one line (ids, states and kinds are never squeezed); the last wraps.
        foreach (var header in new[] { "ID", "STATE", "PROGRESS", "KIND", "TARGET", "OWNER" }) table.AddColumn(new TableColumn(header).NoWrap());
        table.AddColumn("STAGE / ERROR");
        var rows = _tasks.Values.OrderBy(t => TaskFollower.IsEnded(t)).ThenByDescending(Id).Take(Rows);
        foreach (var t in rows)
        {
            string state = Output.Text(t, "state");
            var color = state switch
            {
                TaskStateNames.Succeeded => Color.Green, TaskStateNames.Failed or TaskStateNames.Interrupted => Color.Red,
                TaskStateNames.Cancelled => Color.Grey, TaskStateNames.Running => Color.Blue, _ => Color.Yellow,
            };
            table.AddRow(new Text(Output.Text(t, "id")), new Text(state, new Style(color)), new Text(Progress(t)), new Text(Output.Text(t, "kind")),
                new Text(Output.Text(t, "target")), new Text(Output.Text(t, "owner")),
                new Text(Output.Text(t, "error") is { Length: > 0 } e ? e : Output.Text(t, "stage")));
        }
        return table;
    }

    private static string Progress(JsonElement t) =>
        t.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? Output.Percent(p.GetDouble()) : "";

    /// <summary>One line for a change worth saying (state, stage, error, or progress by a tenth); -o json prints the view itself.</summary>
    private void Line(JsonElement view)
    {
        long id = Id(view);
        double progress = view.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0;
        string key = string.Join('|', Output.Text(view, "state"), Output.Text(view, "stage"), Output.Text(view, "error"), Math.Floor(progress * 10).ToString(CultureInfo.InvariantCulture));
        if (_printed.TryGetValue(id, out var last) && last == key) return;
        _printed[id] = key;
        _tasks[id] = view;
        if (inv.Format == OutputFormat.Json)
        {
            System.Console.Out.WriteLine(JsonSerializer.Serialize(view));
            return;
        }
        string detail = Output.Text(view, "error") is { Length: > 0 } e ? e : Output.Text(view, "stage");
        System.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} task {id} {Output.Text(view, "kind")} on {Output.Text(view, "target")} by {Output.Text(view, "owner")}: {Output.Text(view, "state")} {Output.Percent(progress)}{(detail.Length > 0 ? " " + detail : "")}"));
    }
}
