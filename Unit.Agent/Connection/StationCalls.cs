using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// Requests an executor makes to the station over the current hub connection (kept apart from
/// <see cref="StationConnection"/>, which depends on the executors).
/// </summary>
public sealed class StationCalls : Execution.ITerminalStreams
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private volatile HubConnection? _connection;

    internal void Attach(HubConnection? connection) => _connection = connection;

    /// <summary>The station's signed leave to delete a move's source, given what the destination verified; a refusal becomes <see cref="TaskFailureException"/>.</summary>
    public async Task<string> AuthoriseSourceDeletionAsync(SourceDeletionRequest request, CancellationToken ct)
    {
        var c = _connection;
        if (c is not { State: HubConnectionState.Connected })
            throw new TaskFailureException("the station is not connected, so it cannot authorise deleting the source; the source is kept and the copy is in place", kind: TaskErrorKind.Unavailable);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Limit);
        try
        {
            return await c.InvokeAsync<string>(nameof(IAgentHub.AuthoriseSourceDeletion), request, limit.Token).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw new TaskFailureException($"the station refused to authorise deleting the source: {ex.Message}");
        }
    }

    /// <summary>The frames typed in a terminal session (<see cref="IAgentTerminalHub.TerminalInput"/>); a refusal becomes <see cref="TaskFailureException"/>.</summary>
    public Task<System.Threading.Channels.ChannelReader<byte[]>> TerminalInputAsync(long taskId, CancellationToken ct) =>
        Connected("open the terminal's stream").StreamAsChannelAsync<byte[]>(nameof(IAgentTerminalHub.TerminalInput), taskId, ct);

    /// <summary>Streams a terminal session's output to the station (<see cref="IAgentTerminalHub.TerminalOutput"/>) until <paramref name="output"/> completes.</summary>
    public Task TerminalOutputAsync(long taskId, System.Threading.Channels.ChannelReader<byte[]> output, CancellationToken ct) =>
        Connected("send the terminal's output").SendAsync(nameof(IAgentTerminalHub.TerminalOutput), taskId, output, ct);

    private HubConnection Connected(string what) => _connection is { State: HubConnectionState.Connected } c ? c
        : throw new TaskFailureException($"the station is not connected, so the unit cannot {what}", kind: TaskErrorKind.Unavailable);
}
