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
    private readonly long[] _ids;

    private TaskFeed(StationClient client, long[] ids)
    {
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
            // Catch up: the tasks as the station holds them now, then the pushes resume.
            foreach (var view in await FollowAsync(CancellationToken.None).ConfigureAwait(false)) _updates.Writer.TryWrite(view);
        };
        _hub.Closed += error =>
        {
            _updates.Writer.TryComplete(new CliException(ExitCodes.Unreachable,
                $"lost the connection to the station's task hub at {client.Url}{(error is null ? "" : ": " + error.Message)}; the tasks keep running: 'ccdsvm task watch {string.Join(' ', ids)}'"));
            return Task.CompletedTask;
        };
    }

    public ChannelReader<JsonElement> Updates => _updates.Reader;

    /// <summary>Connects, follows <paramref name="ids"/> and answers their views as they are now.</summary>
    public static async Task<(TaskFeed Feed, IReadOnlyList<JsonElement> Now)> OpenAsync(StationClient client, IReadOnlyList<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ids);
        var feed = new TaskFeed(client, [.. ids]);
        try
        {
            await feed._hub.StartAsync(ct).ConfigureAwait(false);
            return (feed, await feed.FollowAsync(ct).ConfigureAwait(false));
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
        await _hub.DisposeAsync().ConfigureAwait(false);
    }
}
