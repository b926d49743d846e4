using Ccdsvm.Console.Blazor.Services;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks.Fields;

/// <summary>
/// Browses a unit's folders through <see cref="IConsoleReads"/> (no task, no lock, nothing in history) so a path is
/// picked rather than typed: open folders, go up, use the folder shown or, with <see cref="Files"/>, pick a file.
/// </summary>
public sealed partial class PathBrowser : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<FsListEntry> _entries = [];
    private string _path = "/";
    private string? _error;
    private bool _loading;

    [Inject] private IConsoleReads Reads { get; set; } = default!;

    [Parameter, EditorRequired] public string Unit { get; set; } = "";
    [Parameter, EditorRequired] public string Name { get; set; } = "";
    /// <summary>Where browsing starts: the field's folder, or the unit's first root.</summary>
    [Parameter] public string Start { get; set; } = "/";
    /// <summary>Whether a file can be picked (a source to copy); otherwise only folders are.</summary>
    [Parameter] public bool Files { get; set; }
    [Parameter] public EventCallback<string> OnChosen { get; set; }
    [Parameter] public EventCallback OnCancel { get; set; }

    protected override Task OnInitializedAsync() => ShowAsync(string.IsNullOrWhiteSpace(Start) ? "/" : Start);

    private async Task ShowAsync(string path)
    {
        _loading = true;
        _error = null;
        try
        {
            var listed = await Reads.ListAsync(Unit, path, _disposed.Token);
            if (listed.Ok)
            {
                _path = listed.Value!.Path;
                _entries = [.. listed.Value.Entries.OrderBy(e => e.Type != FsEntryType.Directory).ThenBy(e => e.Name, StringComparer.Ordinal)];
            }
            else
            {
                // A start that does not exist (a mount point not made yet) is fine: say why and keep the last folder.
                _error = listed.Error!.Message;
                if (_entries.Count == 0 && path != Parent(path)) _path = path;
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // The form closed while the unit answered.
        }
        finally
        {
            _loading = false;
        }
    }

    private Task UpAsync() => ShowAsync(Parent(_path));

    private async Task OpenAsync(FsListEntry entry)
    {
        string full = Join(_path, entry.Name);
        if (entry.Type == FsEntryType.Directory) await ShowAsync(full);
        else if (Files) await OnChosen.InvokeAsync(full);
    }

    private Task ChooseHere() => OnChosen.InvokeAsync(_path);

    public static string Parent(string path)
    {
        string trimmed = path.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    public static string Join(string folder, string name) => folder.EndsWith('/') ? folder + name : folder + "/" + name;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
