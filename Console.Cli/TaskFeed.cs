using System.Text.Json;
using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// Changes of followed tasks pushed by the station's task hub (/hubs/tasks, the same bearer token and TLS trust as
/// REST). After a dropped connection it reconnects and follows again, and the station answers the tasks as they are
/// now: nothing that happened meanwhile is missed.
/// </summary>
public sealed class TaskFeed : IAsyncDisposable
{
    private readonly HubConnection _hub;
    private readonly Channel<JsonElement> _updates = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<string> _missed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<long, long> _lastEvent = [];
    private readonly StationClient _client;
    private readonly long[] _ids;

    private TaskFeed(StationClient client, long[] ids)
    {
        _client = client;
        _ids = ids;
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(client.Url, TaskHubNames.Path.TrimStart('/')), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult(client.Token);
                o.HttpMessageHandlerFactory = _ => client.Trust.Handler();
                o.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = (_, c, ch, e) => client.Trust.Validate(c, ch, e);
            })
            .WithAutomaticReconnect()
            .Build();
        _hub.On<JsonElement>(TaskHubNames.TaskChanged, task => _updates.Writer.TryWrite(task));
        _hub.Reconnected += async _ =>
        {
            // Catch up: what the tasks' stored event logs gained while the connection was down, then the tasks as the
            // station holds them now; the pushes resume from there.
            using var limit = new CancellationTokenSource(StationClient.RequestTimeout);
            try
            {
                var views = await FollowAsync(limit.Token).ConfigureAwait(false);
                await CatchUpAsync(limit.Token).ConfigureAwait(false);
                foreach (var view in views) _updates.Writer.TryWrite(view);
            }
            catch (Exception ex) when (ex is CliException or HubException or HttpRequestException or OperationCanceledException or InvalidOperationException)
            {
                // Without the catch-up the follower would wait for pushes that may never come: end it, saying why.
                _updates.Writer.TryComplete(ex as CliException ?? new CliException(ExitCodes.Unreachable,
                    $"reconnected to {client.Url} but could not catch up the tasks ({ex.Message}); they keep running: 'ccdsvm task watch {string.Join(' ', ids)}'", ex));
            }
        };
        _hub.Closed += error =>
        {
            _updates.Writer.TryComplete(new CliException(ExitCodes.Unreachable,
                $"lost the connection to the station's task hub at {client.Url}{(error is null ? "" : ": " + error.Message)}; the tasks keep running: 'ccdsvm task watch {string.Join(' ', ids)}'"));
            return Task.CompletedTask;
        };
    }

    public ChannelReader<JsonElement> Updates => _updates.Reader;

    /// <summary>Lines for the events stored while the connection was down, said once it is back ("timestamp task N: …").</summary>
    public ChannelReader<string> Missed => _missed.Reader;

    /// <summary>Reads each task's stored events after the last one seen; <paramref name="say"/> false only notes where the logs end.</summary>
    private async Task CatchUpAsync(CancellationToken ct, bool say = true)
    {
        foreach (var id in _ids)
        {
            long after = _lastEvent.GetValueOrDefault(id);
            var events = await _client.GetAsync($"api/v1/tasks/{id}/events?after={after}", ct).ConfigureAwait(false);
            foreach (var e in events.EnumerateArray())
            {
                _lastEvent[id] = Math.Max(_lastEvent.GetValueOrDefault(id), e.GetProperty("id").GetInt64());
                if (!say) continue;
                string at = e.TryGetProperty("at", out var a) && a.TryGetDateTimeOffset(out var t) ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "";
                string what = string.Join(' ', new[] { Output.Text(e, "state"), Output.Text(e, "stage"), Output.Text(e, "message") }.Where(x => x.Length > 0).Distinct());
                _missed.Writer.TryWrite($"{at} task {id}: {(what.Length > 0 ? what : Output.Text(e, "type"))} (while reconnecting)");
            }
        }
    }

    /// <summary>Connects, follows <paramref name="ids"/> and answers their views as they are now.</summary>
    public static async Task<(TaskFeed Feed, IReadOnlyList<JsonElement> Now)> OpenAsync(StationClient client, IReadOnlyList<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ids);
        var feed = new TaskFeed(client, [.. ids]);
        try
        {
            await feed._hub.StartAsync(ct).ConfigureAwait(false);
            var now = await feed.FollowAsync(ct).ConfigureAwait(false);
            await feed.CatchUpAsync(ct, say: false).ConfigureAwait(false);
            return (feed, now);
        }
        catch (HttpRequestException ex)
        {
            await feed.DisposeAsync().ConfigureAwait(false);
            if (client.Trust.LastRefusal is { } reason) throw new CliException(ExitCodes.NotAllowed, $"refusing the station at {client.Url}: {reason}", ex);
            throw new CliException(ExitCodes.Unreachable, $"cannot follow the tasks live at {client.Url}{TaskHubNames.Path}: {ex.Message}", ex);
        }
        catch (HubException ex)
        {
            await feed.DisposeAsync().ConfigureAwait(false);
            throw new CliException(ExitCodes.NotFound, ex.Message.Replace("An unexpected error occurred invoking 'Follow' on the server. HubException: ", "", StringComparison.Ordinal), ex);
        }
        catch
        {
            await feed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<IReadOnlyList<JsonElement>> FollowAsync(CancellationToken ct) =>
        await _hub.InvokeAsync<JsonElement[]>(TaskHubNames.Follow, _ids, ct).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _updates.Writer.TryComplete();
        _missed.Writer.TryComplete();
        await _hub.DisposeAsync().ConfigureAwait(false);
    }
}
