using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>
/// Keeps the station's view of this unit's storage current without a task: the station asks
/// (<see cref="IAgentClient.GetStorage"/>, a client result) when someone opens a storage view, and the agent sends a
/// fresh reading (<see cref="IAgentHub.ReportStorage"/>) when it connects and after every storage task ends. Reading
/// takes no lock, so a view never waits behind a task that holds a disk. One reading at a time: callers that
/// arrive while one runs share it.
/// </summary>
public sealed partial class StorageReporter : IDisposable
{
    /// <summary>The longest a reading may take before it is abandoned (a hung device probe).</summary>
    public static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(30);

    private readonly StorageReader _reader;
    private readonly TaskRunner _runner;
    private readonly ILogger<StorageReporter> _logger;
    private readonly object _gate = new();
    private Task<StorageInventoryResult>? _reading;
    private HubConnection? _connection;
    private long _pushed;

    public StorageReporter(StorageReader reader, TaskRunner runner, ILogger<StorageReporter> logger)
    {
        (_reader, _runner, _logger) = (reader, runner, logger);
        runner.Ended += OnTaskEnded;
    }

    /// <summary>Readings sent to the station since start.</summary>
    public long Pushed => Interlocked.Read(ref _pushed);

    /// <summary>Answers the station's questions on <paramref name="connection"/> and sends a first reading on it.</summary>
    public void Attach(HubConnection connection)
    {
        _connection = connection;
        connection.On(nameof(IAgentClient.GetStorage), ReadAsync);
    }

    /// <summary>Sends a reading on the current connection in the background (after a connect, after a storage task).</summary>
    public void PushSoon() => _ = PushAsync();

    /// <summary>A reading now, or the one in progress.</summary>
    public Task<StorageInventoryResult> ReadAsync()
    {
        lock (_gate)
        {
            if (_reading is { IsCompleted: false } running) return running;
            return _reading = ReadBoundedAsync();
        }
    }

    private async Task<StorageInventoryResult> ReadBoundedAsync()
    {
        using var limit = new CancellationTokenSource(ReadLimit);
        return await _reader.ReadAsync(null, null, limit.Token).ConfigureAwait(false);
    }

    private void OnTaskEnded(string kind)
    {
        // Partitions, file systems, mounts, arrays and volumes change only through storage kinds.
        if (kind.StartsWith("storage.", StringComparison.Ordinal)) PushSoon();
    }

    private async Task PushAsync()
    {
        try
        {
            var reading = await ReadAsync().ConfigureAwait(false);
            if (_connection is not { State: HubConnectionState.Connected } c) return;
            await c.SendAsync(nameof(IAgentHub.ReportStorage), reading).ConfigureAwait(false);
            Interlocked.Increment(ref _pushed);
        }
        catch (Exception ex)
        {
            LogPushFailed(ex.Message);
        }
    }

    public void Dispose() => _runner.Ended -= OnTaskEnded;

    [LoggerMessage(360, LogLevel.Warning, "Could not send the unit's storage to the station: {Reason}")]
    private partial void LogPushFailed(string reason);
}
