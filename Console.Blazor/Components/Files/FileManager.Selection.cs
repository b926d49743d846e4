using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Files;

/// <summary>
/// Multi-select: a checkbox per row, select-all in the header, and a bar with the bulk actions the user may run on every
/// selected entry. Each entry becomes its own task, so the task list stays the one record of what was done.
/// </summary>
public sealed partial class FileManager
{
    /// <summary>The word that confirms a bulk delete, instead of typing how many entries go.</summary>
    public const string DeleteWord = "delete";

    private readonly HashSet<string> _selected = [];
    private bool _confirmingBulkDelete;
    private string _bulkTyped = "";
    private readonly List<long> _bulkTasks = [];

    private IReadOnlyList<FileEntry> Selected => [.. Sorted.Where(e => _selected.Contains(e.Path))];

    private bool AllSelected => _entries.Count > 0 && _entries.All(e => _selected.Contains(e.Path));

    private void ToggleSelected(FileEntry e, ChangeEventArgs args)
    {
        if (args.Value is true) _selected.Add(e.Path);
        else _selected.Remove(e.Path);
        _confirmingBulkDelete = false;
    }

    private void ToggleAll(ChangeEventArgs args)
    {
        _selected.Clear();
        if (args.Value is true) _selected.UnionWith(_entries.Select(e => e.Path));
        _confirmingBulkDelete = false;
    }

    private void ClearSelection()
    {
        _selected.Clear();
        _confirmingBulkDelete = false;
    }

    private bool MayDeleteSelected => Selected is { Count: > 0 } s && s.All(e => May(FsDelete.Contract.Kind, e.Path));

    /// <summary>Checksums read files only: offered when every selected entry is a file the user may checksum.</summary>
    private bool MayChecksumSelected =>
        Selected is { Count: > 0 } s && s.All(e => e.Type == FsEntryType.File && May(FsChecksum.Contract.Kind, e.Path));

    private void AskBulkDelete() => (_confirmingBulkDelete, _bulkTyped, _deleting, _renaming) = (true, "", null, null);

    /// <summary>The bulk delete is confirmed by typing how many entries go, or the word "delete".</summary>
    private bool BulkDeleteConfirmed =>
        _bulkTyped.Trim() is { } typed && (typed == Selected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                                           || string.Equals(typed, DeleteWord, StringComparison.OrdinalIgnoreCase));

    private Task BulkDeleteAsync()
    {
        if (!_confirmingBulkDelete || !BulkDeleteConfirmed) return Task.CompletedTask;
        _confirmingBulkDelete = false;
        return SubmitEachAsync(Selected, e => new SubmitTask(FsDelete.Contract.Kind, UnitId,
            FsDelete.Contract.Write(new FsDeleteParameters(e.Path, e.IsDirectory))));
    }

    private Task BulkChecksumAsync() =>
        SubmitEachAsync(Selected, e => new SubmitTask(FsChecksum.Contract.Kind, UnitId, FsChecksum.Contract.Write(new FsChecksumParameters(e.Path))));

    /// <summary>Submits one task per entry and shows each; what the station refuses is said, the rest still start.</summary>
    private async Task SubmitEachAsync(IReadOnlyList<FileEntry> entries, Func<FileEntry, SubmitTask> task)
    {
        _busy = true;
        _error = null;
        _bulkTasks.Clear();
        var refused = new List<string>();
        try
        {
            foreach (var e in entries)
            {
                var outcome = await Tasks.SubmitAsync(task(e));
                if (outcome.Ok) _bulkTasks.Add(outcome.Value!.Id);
                else refused.Add($"{e.Name}: {outcome.Error!.Message}");
            }
        }
        finally
        {
            _busy = false;
        }
        if (refused.Count > 0) _error = string.Join("; ", refused);
        _selected.Clear();
        // A quick task may end before its id was noted here, and its update was then not heard as one of ours.
        if (_bulkTasks.Any(EndedAlready)) await LoadAsync();
    }

    private bool EndedAlready(long taskId) => Tasks.Get(taskId) is { } task && TaskRuns.HasEnded(task);

    private void CloseBulkTask(long id) => _bulkTasks.Remove(id);

    private string RowClass(FileEntry e) => _selected.Contains(e.Path) ? "file-row selected" : "file-row";
}
