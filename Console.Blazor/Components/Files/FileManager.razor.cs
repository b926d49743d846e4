using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Files;

/// <summary>
/// A directory on a unit (<c>fs.list</c>, read without a task) with breadcrumbs, sorting, new folder, rename, delete (after a
/// confirmation naming the path) and download links to the transfer API, which the sign-in cookie authorises.
/// </summary>
public sealed partial class FileManager : ComponentBase, IDisposable
{
    /// <summary>How long a listing or a file operation may take before the page says so.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<FileEntry> _entries = [];
    private IReadOnlyList<HeldResource> _held = [];
    private LiveTaskUpdates? _taskUpdates;
    private string _path = "/";
    private string? _error;
    private bool _busy;
    private FileSort _sort = FileSort.Name;
    private bool _descending;
    private string? _newFolder;
    private FileEntry? _renaming;
    private string? _newName;
    private FileEntry? _deleting;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private IConsoleReads Reads { get; set; } = default!;
    [Inject] private IConsoleUnits UnitList { get; set; } = default!;

    [Parameter] public string UnitId { get; set; } = "";

    [SupplyParameterFromQuery(Name = "path")] public string? Path { get; set; }

    /// <summary>Embedded (two-pane) use: the directory to show, instead of the page's <c>?path=</c>.</summary>
    [Parameter] public string? StartPath { get; set; }

    /// <summary>Embedded use: where a folder or breadcrumb link goes, so the page keeps the other pane.</summary>
    [Parameter] public Func<string, string>? HrefFor { get; set; }

    /// <summary>Embedded use: names the other pane ("unit-a:/srv"); entries then offer copy and move to it.</summary>
    [Parameter] public string? TransferTo { get; set; }

    [Parameter] public EventCallback<FileTransfer> OnTransfer { get; set; }

    /// <summary>Embedded use: entries may be dragged (HTML5 drag and drop) and this hears which; touch screens use the buttons.</summary>
    [Parameter] public EventCallback<FileEntry> OnDragEntry { get; set; }

    /// <summary>Embedded use: the drag ended, dropped anywhere or nowhere.</summary>
    [Parameter] public EventCallback OnDragEnd { get; set; }

    public sealed record FileTransfer(FileEntry Entry, bool Move);

    private (string Unit, string Path)? _loaded;

    private IReadOnlyList<FileEntry> Sorted => FileListing.Sort(_entries, _sort, _descending);

    protected override void OnInitialized() =>
        // Locks come and go with tasks on this unit: what is held here is read again, never waited for.
        _taskUpdates = new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
        {
            // A bulk task or one started from the row menu that ended changed the directory: list it again.
            if (updates.Any(u => TaskRuns.HasEnded(u.Task) && (_bulkTasks.Contains(u.Task.Id) || _activeTask == u.Task.Id))) _ = LoadAsync();
            else _ = Refresh();
        }, t => t.Target == UnitId);

    private Task Refresh()
    {
        ReadHeld();
        StateHasChanged();
        return Task.CompletedTask;
    }

    // A path that is no canonical path lists as an error from the station; it has nothing held under it.
    private void ReadHeld() => _held = UnitPath.TryCanonicalize(_path, out var path, out _) ? HeldResource.Under(UnitPath.Resource(UnitId, path), Tasks) : [];

    /// <summary>
    /// Whether the user may run <paramref name="kind"/> on <paramref name="path"/>: controls they may not use are not
    /// shown (a help-desk user sees no New folder, Rename or Delete); the station checks again anyway.
    /// </summary>
    private bool May(string kind, string path) =>
        UnitPath.TryCanonicalize(path, out var canonical, out _) && Tasks.MayRunOn(kind, UnitPath.Resource(UnitId, canonical));

    private bool MayCopyOver(FileEntry e) => May(TaskKinds.FsCopy, e.Path) || May(TaskKinds.DataMove, e.Path);

    private bool MayMoveOver(FileEntry e) => May(TaskKinds.FsRename, e.Path) || May(TaskKinds.DataMove, e.Path);

    /// <summary>The hold on an entry or on something inside it, if any.</summary>
    private HeldResource? HeldOn(FileEntry entry) => _held.FirstOrDefault(h => h.Below == entry.Name);

    protected override Task OnParametersSetAsync()
    {
        _path = !string.IsNullOrWhiteSpace(StartPath) ? StartPath
            : !string.IsNullOrWhiteSpace(Path) ? Path
            : UnitList.Find(UnitId)?.HomeRoot ?? "/";
        // A parent re-rendering with the same directory is no reason to list it again.
        if (_loaded == (UnitId, _path)) return Task.CompletedTask;
        (_renaming, _deleting, _newFolder, _menuFor, _formKind) = (null, null, null, null, null);
        ClearSelection();
        return LoadAsync();
    }

    /// <summary>Lists the directory again (after a transfer into it, say).</summary>
    public Task ReloadAsync() => InvokeAsync(LoadAsync);

    /// <summary>Lists the directory as a view read: no task, no lock, so a folder held by a task still shows.</summary>
    private async Task LoadAsync()
    {
        _loaded = (UnitId, _path);
        ReadHeld();
        _busy = true;
        _error = null;
        StateHasChanged();
        Outcome<FsListResult> listing;
        try { listing = await Reads.ListAsync(UnitId, _path, _disposed.Token); }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested) { return; }
        finally { _busy = false; }
        _entries = listing.Ok ? FileListing.From(listing.Value!) : [];
        if (!listing.Ok) _error = $"{TaskKinds.FsList}: {listing.Error!.Message}";
        // Called from a task update too, where no event handler renders afterwards.
        StateHasChanged();
    }

    /// <summary>Runs one file task to its end and shows the unit's message if it failed; null only when the page has gone.</summary>
    private async Task<TaskRun?> RunAsync(string kind, JsonElement parameters)
    {
        _busy = true;
        _error = null;
        StateHasChanged();
        try
        {
            var run = await Tasks.RunAsync(new SubmitTask(kind, UnitId, parameters), OperationTimeout, _disposed.Token);
            if (!run.Succeeded) _error = $"{kind}: {run.Error}";
            return run;
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            _busy = false;
        }
    }

    private void SortBy(FileSort sort)
    {
        _descending = _sort == sort && !_descending;
        _sort = sort;
    }

    private string SortMark(FileSort sort) => _sort != sort ? "" : _descending ? " ▼" : " ▲";

    private string? NewFolderError => _newFolder is null ? null : FileListing.NameError(_newFolder);

    private async Task CreateFolderAsync()
    {
        if (_newFolder is null || NewFolderError is not null) return;
        var run = await RunAsync(FsMkdir.Contract.Kind, FsMkdir.Contract.Write(new FsMkdirParameters(FileListing.Join(_path, _newFolder))));
        if (run is { Succeeded: true })
        {
            _newFolder = null;
            await LoadAsync();
        }
    }

    private void StartRename(FileEntry entry) => (_renaming, _newName, _deleting, _confirmingBulkDelete) = (entry, entry.Name, null, false);

    private string? RenameError => _renaming is null ? null : FileListing.NameError(_newName);

    private async Task RenameAsync()
    {
        if (_renaming is not { } entry || RenameError is not null || _newName == entry.Name) return;
        var run = await RunAsync(FsRename.Contract.Kind, FsRename.Contract.Write(new FsRenameParameters(entry.Path, FileListing.Join(_path, _newName!))));
        if (run is { Succeeded: true })
        {
            _renaming = null;
            await LoadAsync();
        }
    }

    private void AskDelete(FileEntry entry) => (_deleting, _renaming, _confirmingBulkDelete) = (entry, null, false);

    private async Task DeleteAsync()
    {
        if (_deleting is not { } entry) return;
        var run = await RunAsync(FsDelete.Contract.Kind, FsDelete.Contract.Write(new FsDeleteParameters(entry.Path, entry.IsDirectory)));
        if (run is { Succeeded: true })
        {
            _deleting = null;
            await LoadAsync();
        }
    }

    private string FilesHref(string path) => HrefFor?.Invoke(path) ?? $"/units/{Uri.EscapeDataString(UnitId)}/files?path={Uri.EscapeDataString(path)}";

    /// <summary>The downloads started from this page, newest last: each shows its task (found once the browser's request is admitted).</summary>
    private readonly List<(string Path, DateTimeOffset Since, int Key)> _downloads = [];
    private int _downloadKeys;

    /// <summary>How many downloads the page keeps showing; older ones stay in the task list and their panes.</summary>
    private const int ShownDownloads = 3;

    private void WatchDownload(FileEntry entry)
    {
        _downloads.RemoveAll(d => d.Path == entry.Path);
        // A little before the click: the browser's request may reach the station before the click reaches the circuit.
        _downloads.Add((entry.Path, DateTimeOffset.UtcNow - TransferTask.AdmittedBeforeClick, ++_downloadKeys));
        if (_downloads.Count > ShownDownloads) _downloads.RemoveAt(0);
    }

    private string DownloadHref(FileEntry entry) => $"/api/v1/units/{Uri.EscapeDataString(UnitId)}/files?path={Uri.EscapeDataString(entry.Path)}";

    private static string TestId(FileEntry entry) => "entry-" + entry.Name;

    /// <summary>A row being renamed is not draggable, so its text field selects text as usual.</summary>
    private bool Draggable(FileEntry entry) => OnDragEntry.HasDelegate && _renaming != entry;

    public void Dispose()
    {
        _taskUpdates?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
