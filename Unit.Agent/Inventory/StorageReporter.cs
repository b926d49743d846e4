using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>
/// Keeps the station's view of this unit's storage current without a task: the station asks
/// (<see cref="IAgentClient.GetStorage"/>, a client result) when someone opens a storage view, and the agent sends a
/// fresh reading (<see cref="IAgentHub.ReportStorage"/>) when it connects and after every storage task ends. Reading
/// takes no lock, so a view never waits behind a task that holds a disk. One reading at a time: callers that
/// arrive while one runs share it — except after a storage task ended, when a reading that began before the end may
/// miss what the task did: the push then waits for that reading and starts its own.
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
    private long _changes;
    private long _readingSees;
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
    public void PushSoon() => _ = PushAsync(Interlocked.Read(ref _changes));

    /// <summary>A reading now, or the one in progress.</summary>
    public Task<StorageInventoryResult> ReadAsync() => ReadAsync(0);

    /// <summary>
    /// A reading that began after storage change number <paramref name="seesChange"/>: the one in progress when it
    /// did, else a new one, started once the one in progress is done (one reading at a time).
    /// </summary>
    private Task<StorageInventoryResult> ReadAsync(long seesChange)
    {
        lock (_gate)
        {
            if (_reading is { IsCompleted: false } running)
            {
                if (_readingSees >= seesChange) return running;
                _readingSees = Interlocked.Read(ref _changes);
                return _reading = AfterAsync(running);
            }
            _readingSees = Interlocked.Read(ref _changes);
            return _reading = ReadBoundedAsync();
        }
    }

    private async Task<StorageInventoryResult> AfterAsync(Task<StorageInventoryResult> earlier)
    {
        // The earlier reading's failure is its callers' to see; this one only waits for the device probes to be free.
        try { await earlier.ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { LogEarlierReadingFailed(ex.Message); }
        return await ReadBoundedAsync().ConfigureAwait(false);
    }

    private async Task<StorageInventoryResult> ReadBoundedAsync()
    {
        using var limit = new CancellationTokenSource(ReadLimit);
        return await _reader.ReadAsync(null, null, limit.Token).ConfigureAwait(false);
    }

    private void OnTaskEnded(string kind)
    {
        // Partitions, file systems, mounts, arrays and volumes change only through storage kinds.
        if (!kind.StartsWith("storage.", StringComparison.Ordinal)) return;
        _ = PushAsync(Interlocked.Increment(ref _changes));
    }

    private async Task PushAsync(long seesChange)
    {
        try
        {
            var reading = await ReadAsync(seesChange).ConfigureAwait(false);
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

    [LoggerMessage(362, LogLevel.Debug, "A storage reading failed before a fresher one: {Reason}")]
    private partial void LogEarlierReadingFailed(string reason);
}
