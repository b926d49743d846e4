using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Storage;

/// <summary>
/// A unit's disks, partitions, arrays and mounted file systems from the station's last reading of them
/// (<see cref="IConsoleStorage"/>): no task and no lock, so the page shows at once even while a task holds a
/// disk, says what is held and by whom, and shows how old the reading is. Readings arrive live (the agent sends
/// one after every storage task); Refresh asks the unit for a new one. Actions open the task form prefilled from
/// the selection; the started task runs in a pane on this page.
/// </summary>
public sealed partial class StoragePage : ComponentBase, IDisposable
{
    /// <summary>A reading older than this is refreshed in the background when the page opens.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _disposed = new();
    private LiveTaskUpdates? _subscription;
    private IDisposable? _readings;
    private StorageLayout? _layout;
    private StorageSnapshot? _snapshot;
    private IReadOnlyList<HeldResource> _held = [];
    private string? _error;
    private bool _loading;
    private string? _selectedDisk;
    private BarSegment? _selectedSegment;
    private string? _formKind;
    private Dictionary<string, string> _formParameters = [];
    private int _formGeneration;
    private long? _activeTask;
    private string? _subscribedUnit;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private IConsoleStorage Storage { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private bool May(string kind) => Tasks.MayRun(kind, UnitId);

    /// <summary>Why the unit cannot run the kind (its agent lacks it, or the tools it needs); null when it can.</summary>
    private string? Unable(string kind) => Tasks.CannotRun(kind, UnitId);

    /// <summary>The page's actions the user may run but the unit cannot, with why: shown under the disabled buttons.</summary>
    private IEnumerable<(string Action, string Reason)> UnableActions =>
        new[] { ("partition", TaskKinds.StoragePartition), ("mkfs", TaskKinds.StorageMkfs), ("mount", TaskKinds.StorageMount), ("raid", TaskKinds.StorageRaid) }
            .Where(a => May(a.Item2)).Select(a => (a.Item1, Unable(a.Item2))).Where(a => a.Item2 is not null).Select(a => (a.Item1, a.Item2!));

    [Parameter] public string UnitId { get; set; } = "";

    protected override void OnInitialized() =>
        _subscription = new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
        {
            // Locks come and go with tasks on this unit: what is held is read again, never waited for.
            ReadHeld();
            StateHasChanged();
            if (updates.Any(u => u.Task.Id == _activeTask && TaskRuns.HasEnded(u.Task))) RefreshInBackground();
        }, t => t.Target == UnitId);

    protected override void OnParametersSet()
    {
        if (_subscribedUnit != UnitId)
        {
            _readings?.Dispose();
            _readings = Storage.Subscribe(UnitId, s => InvokeAsync(() =>
            {
                Show(s);
                StateHasChanged();
            }));
            _subscribedUnit = UnitId;
            (_layout, _snapshot, _selectedDisk, _selectedSegment) = (null, null, null, null);
        }
        _error = null;
        var latest = Storage.Latest(UnitId);
        if (!latest.Ok)
        {
            _error = latest.Error!.Message;
            return;
        }
        if (latest.Value is { } snapshot) Show(snapshot);
        ReadHeld();
        // Never awaited here: the page renders from what the station has, and a new reading replaces it when it comes.
        if (_snapshot is null || Clock.GetUtcNow() - _snapshot.ReadAt > FreshFor) RefreshInBackground();
    }

    private void RefreshInBackground() => _ = RefreshAsync();

    private async Task RefreshAsync()
    {
        if (_loading) return;
        _loading = true;
        _error = null;
        StateHasChanged();
        Outcome<StorageSnapshot> read;
        try { read = await Storage.RefreshAsync(UnitId, _disposed.Token); }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested) { return; }
        _loading = false;
        if (read.Ok) Show(read.Value!);
        else _error = read.Error!.Message;
        StateHasChanged();
    }

    private void Show(StorageSnapshot snapshot)
    {
        if (_snapshot is { } shown && shown.ReadAt > snapshot.ReadAt) return;
        _snapshot = snapshot;
        _layout = StorageLayout.From(snapshot.Storage);
        if (_selectedDisk is not null && _layout.Disks.All(d => d.Path != _selectedDisk)) (_selectedDisk, _selectedSegment) = (null, null);
        else if (_selectedSegment is not null) _selectedSegment = FindSegment(_selectedDisk, _selectedSegment);
    }

    private void ReadHeld() => _held = HeldResource.Under(ResourcePath.Disks(UnitId), Tasks);

    /// <summary>How old the reading is, in words.</summary>
    private string Age => _snapshot is null ? "" : Durations.Ago(Clock.GetUtcNow() - _snapshot.ReadAt);

    /// <summary>The holds on one disk or its partitions, for its row.</summary>
    private IEnumerable<HeldResource> HeldOn(string diskPath) => _held.Where(h => h.Below == DevName(diskPath));

    private BarSegment? FindSegment(string? disk, BarSegment old) =>
        _layout?.Disks.FirstOrDefault(d => d.Path == disk)?.Segments.FirstOrDefault(s => s.StartBytes == old.StartBytes && s.Free == old.Free);

    private void SelectDisk(DiskBar disk) => (_selectedDisk, _selectedSegment) = (disk.Path, null);

    private void SelectSegment(DiskBar disk, BarSegment segment) => (_selectedDisk, _selectedSegment) = (disk.Path, segment);

    /// <summary>The device an action on the selection works on: the partition node, else the whole disk.</summary>
    private string? SelectedDevice => _selectedSegment is { Free: false, Node: { } node } ? node : _selectedSegment is null ? _selectedDisk : null;

    /// <summary>The system mount points on the selected disk: partitioning, formatting and mounting it are not offered.</summary>
    private IReadOnlyList<string> SelectedSystemMounts =>
        _layout is { } l && l.Disks.FirstOrDefault(d => d.Path == _selectedDisk) is { } disk ? l.SystemMountsOn(disk) : [];

    private static bool IsSystemMount(FileSystemRow fs) => StorageLayout.SystemMountPoints.Contains(fs.MountPoint);

    /// <summary>What is on the device the open form would destroy, for its warning.</summary>
    private string? FormDangerDetail => _formParameters.TryGetValue("device", out var device) && device.Length > 0 ? _layout?.Contents(device) : null;

    private bool IsMounted(string? device) => device is not null && _layout?.FileSystems.Any(f => f.Device == device) == true;

    private void OpenForm(string kind, Dictionary<string, string> parameters)
    {
        _formKind = kind;
        _formParameters = parameters;
        _formGeneration++;
    }

    private void Partition() => OpenForm(TaskKinds.StoragePartition, new()
    {
        ["device"] = _selectedDisk ?? "",
        ["table"] = "gpt",
        ["partitions"] = """[{"sizeMiB": "rest", "type": "linux"}]""",
    });

    private void Format() => OpenForm(TaskKinds.StorageMkfs, new() { ["device"] = SelectedDevice ?? "", ["fstype"] = "ext4" });

    private void Mount() => OpenForm(TaskKinds.StorageMount, new() { ["device"] = SelectedDevice ?? "" });

    private void Unmount(FileSystemRow fs) => OpenForm(TaskKinds.StorageUnmount, new() { ["mountpoint"] = fs.MountPoint });

    private void BuildArray() => OpenForm(TaskKinds.StorageRaid, new() { ["level"] = "raid1" });

    private void CloseForm() => _formKind = null;

    private void Started(long taskId)
    {
        _activeTask = taskId;
        _formKind = null;
    }

    private void ClosePane(long _) => _activeTask = null;

    private static string DevName(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string SegmentId(DiskBar disk, BarSegment s) =>
        s.Free ? $"seg-{DevName(disk.Path)}-free-{s.StartBytes}" : $"seg-{DevName(s.Node ?? disk.Path + "-" + s.StartBytes)}";

    private static string SegmentText(BarSegment s) =>
        string.Join(" · ", new[] { s.Label, s.FsType, Sizes.Both(s.SizeBytes) }.Where(x => !string.IsNullOrEmpty(x)));

    private static string Width(double percent) => percent.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "%";

    public void Dispose()
    {
        _subscription?.Dispose();
        _readings?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
