using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>
/// What an executor sees of its task: report progress, log lines and finished stages. Progress is kept
/// as the latest value and sent by the runner's pump at most 10 times a second; stage ends go at once.
/// </summary>
public sealed class TaskContext
{
    private readonly object _gate = new();
    private readonly List<string> _pendingLines = [];
    private readonly Func<TaskStageDone, Task> _stageDone;
    private double _fraction;
    private string? _stage;
    private int _stageIndex;
    private int _stageCount = 1;
    private long _sequence;
    private bool _dirty;
    private RelayedTo? _relayedTo;

    public TaskContext(long taskId, string kind, Func<TaskStageDone, Task> stageDone)
    {
        TaskId = taskId;
        Kind = kind;
        _stageDone = stageDone;
    }

    public long TaskId { get; }

    /// <summary>The station user the order's signed ticket names (null for an order without a ticket, in tests).</summary>
    public string? User { get; init; }
    public string Kind { get; }

    public double Fraction { get { lock (_gate) return _fraction; } }
    public string? Stage { get { lock (_gate) return _stage; } }

    public void Report(double fraction, string? stage = null)
    {
        lock (_gate)
        {
            _fraction = Math.Clamp(fraction, 0, 1);
            if (stage is not null) _stage = stage;
            _dirty = true;
        }
    }

    /// <summary>Enters stage <paramref name="index"/> (1-based) of <paramref name="count"/>.</summary>
    public void EnterStage(int index, int count, string text)
    {
        lock (_gate)
        {
            _stageIndex = index;
            _stageCount = count;
            _stage = text;
            _dirty = true;
        }
    }

    public void Log(string line)
    {
        lock (_gate)
        {
            _pendingLines.Add($"{DateTimeOffset.UtcNow:HH:mm:ss} {line}");
            _dirty = true;
        }
    }

    /// <summary>A mid station's uplink: the task runs there as its task <paramref name="taskId"/>; said with every update from now on.</summary>
    public void RelayedTo(string station, long taskId)
    {
        lock (_gate)
        {
            if (_relayedTo is { } known && known.Station == station && known.TaskId == taskId) return;
            _relayedTo = new RelayedTo(station, taskId);
            _dirty = true;
        }
    }

    /// <summary>Tells the station the stage is done, so it releases the locks tied to it (staged release).</summary>
    public Task StageDoneAsync(int stage) => _stageDone(new TaskStageDone(TaskId, stage, DateTimeOffset.UtcNow));

    /// <summary>Takes the pending update if anything changed since the last one.</summary>
    internal TaskProgress? TakeUpdate(bool force = false)
    {
        lock (_gate)
        {
            if (!_dirty && !force) return null;
            _dirty = false;
            var lines = _pendingLines.ToArray();
            _pendingLines.Clear();
            return new TaskProgress(TaskId, ++_sequence, _fraction, _stage, _stageIndex, _stageCount, lines, DateTimeOffset.UtcNow, _relayedTo);
        }
    }
}
