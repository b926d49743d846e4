using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Storage;

/// <summary>
/// A unit's disks, partitions, arrays and mounted file systems from <c>storage.inventory</c>. Actions open the
/// generic task form prefilled from the selection; the started task runs in a pane on this page, and the
/// inventory is read again when it ends.
/// </summary>
public sealed partial class StoragePage : ComponentBase, IDisposable
{
    /// <summary>How long the page waits for an inventory before it says so.</summary>
    public static readonly TimeSpan InventoryTimeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _disposed = new();
    private IDisposable? _subscription;
    private StorageLayout? _layout;
    private string? _error;
    private bool _loading;
    private string? _selectedDisk;
    private BarSegment? _selectedSegment;
    private string? _formKind;
    private IReadOnlyDictionary<string, string> _formParameters = new Dictionary<string, string>();
    private int _formGeneration;
    private long? _activeTask;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;

    private bool May(string kind) => Tasks.MayRun(kind, UnitId);

    [Parameter] public string UnitId { get; set; } = "";

    protected override void OnInitialized() =>
        _subscription = Tasks.SubscribeTasks(u =>
        {
            if (u.Task.Id == _activeTask && TaskRuns.HasEnded(u.Task)) InvokeAsync(ReloadAfterTaskAsync);
        });

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task ReloadAfterTaskAsync()
    {
        // InvokeAsync runs inline when the renderer is idle, which would submit the next task from inside the
        // engine's notification of the last one: yield so the notification returns first.
        await Task.Yield();
        try
        {
            await LoadAsync();
            // Not an event handler: nothing re-renders by itself once the reload is done.
            StateHasChanged();
        }
        catch (Exception ex) { await DispatchExceptionAsync(ex); }
    }

    private async Task LoadAsync()
    {
        _loading = true;
        _error = null;
        StateHasChanged();
        var parameters = StorageInventory.Contract.Write(new StorageInventoryParameters());
        TaskRun run;
        try { run = await Tasks.RunAsync(new SubmitTask(StorageInventory.Contract.Kind, UnitId, parameters), InventoryTimeout, _disposed.Token); }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested) { return; }
        _loading = false;
        StorageInventoryResult? inventory = null;
        try { inventory = run.Succeeded && run.Task!.Result is { } result ? StorageInventory.Contract.ReadResult(result) : null; }
        catch (KindContractException ex) { _error = ex.Message; return; }
        if (inventory is not null)
        {
            _layout = StorageLayout.From(inventory);
            if (_selectedDisk is not null && _layout.Disks.All(d => d.Path != _selectedDisk)) (_selectedDisk, _selectedSegment) = (null, null);
            else if (_selectedSegment is not null) _selectedSegment = FindSegment(_selectedDisk, _selectedSegment);
        }
        else _error = run.Error ?? "the inventory returned no result";
    }

    private BarSegment? FindSegment(string? disk, BarSegment old) =>
        _layout?.Disks.FirstOrDefault(d => d.Path == disk)?.Segments.FirstOrDefault(s => s.StartBytes == old.StartBytes && s.Free == old.Free);

    private void SelectDisk(DiskBar disk) => (_selectedDisk, _selectedSegment) = (disk.Path, null);

    private void SelectSegment(DiskBar disk, BarSegment segment) => (_selectedDisk, _selectedSegment) = (disk.Path, segment);

    /// <summary>The device an action on the selection works on: the partition node, else the whole disk.</summary>
    private string? SelectedDevice => _selectedSegment is { Free: false, Node: { } node } ? node : _selectedSegment is null ? _selectedDisk : null;

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
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
