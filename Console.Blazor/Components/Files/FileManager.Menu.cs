using Ccdsvm.Console.Blazor.Services;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Microsoft.AspNetCore.Components.Web;

namespace Ccdsvm.Console.Blazor.Components.Files;

/// <summary>
/// The row menu: one button per entry opening what the user may do there. Rename, delete, download and the two-pane
/// transfers keep their own inline controls; the other actions open the task dialog for their kind, prefilled with the
/// entry's path, on this page, and the task started from it shows in a pane below the dialog.
/// </summary>
public sealed partial class FileManager
{
    private FileEntry? _menuFor;
    private string? _formKind;
    private Dictionary<string, string> _formParameters = [];
    private int _formGeneration;
    private long? _activeTask;

    /// <summary>An action of the row menu that opens the task dialog: its label comes from the kind's contract.</summary>
    private sealed record FormAction(string Kind, string Label, string TestId, Func<FileEntry, Dictionary<string, string>> Prefill);

    private FormAction[] FormActions =>
    [
        new(FsCopy.Contract.Kind, $"{FsCopy.Contract.Action} to…", "entry-copy", e => new() { ["from"] = e.Path }),
        new(DataMove.Contract.Kind, $"{DataMove.Contract.Action}…", "entry-move-data", e => new() { ["source"] = Location(e.Path) }),
        new(FsChmod.Contract.Kind, $"{FsChmod.Contract.Action}…", "entry-chmod", e => new() { ["path"] = e.Path, ["mode"] = e.Mode }),
        new(FsChown.Contract.Kind, $"{FsChown.Contract.Action}…", "entry-chown", e => new() { ["path"] = e.Path }),
        new(FsChecksum.Contract.Kind, $"{FsChecksum.Contract.Action}…", "entry-checksum", e => new() { ["path"] = e.Path }),
        new(FsStat.Contract.Kind, $"{FsStat.Contract.Action}…", "entry-details", e => new() { ["path"] = e.Path }),
    ];

    /// <summary>The dialog actions this user may run on this entry; a checksum only reads files.</summary>
    private IEnumerable<FormAction> FormActionsFor(FileEntry e) =>
        FormActions.Where(a => May(a.Kind, e.Path) && (a.Kind != FsChecksum.Contract.Kind || e.Type == FsEntryType.File));

    private string Location(string path) => JsonSerializer.Serialize(new { unit = UnitId, path });

    private void ToggleMenu(FileEntry e) => _menuFor = _menuFor == e ? null : e;

    private void CloseMenu() => _menuFor = null;

    private void MenuKey(KeyboardEventArgs args)
    {
        if (args.Key == "Escape") CloseMenu();
    }

    private void OpenForm(FormAction action, FileEntry e)
    {
        _menuFor = null;
        _formKind = action.Kind;
        _formParameters = action.Prefill(e);
        _formGeneration++;
    }

    private void MenuRename(FileEntry e)
    {
        _menuFor = null;
        StartRename(e);
    }

    private void MenuDelete(FileEntry e)
    {
        _menuFor = null;
        AskDelete(e);
    }

    private Task MenuTransfer(FileEntry e, bool move)
    {
        _menuFor = null;
        return OnTransfer.InvokeAsync(new FileTransfer(e, move));
    }

    private void MenuDownload(FileEntry e)
    {
        _menuFor = null;
        WatchDownload(e);
    }

    private void CloseForm() => _formKind = null;

    private Task FormStarted(long taskId)
    {
        _formKind = null;
        return FormRunning(taskId);
    }

    /// <summary>Shows the started task; one that already ended (a quick chmod) was not heard ending, so list again now.</summary>
    private Task FormRunning(long taskId)
    {
        _activeTask = taskId;
        return EndedAlready(taskId) ? LoadAsync() : Task.CompletedTask;
    }

    private void ClosePane(long _) => _activeTask = null;
}
