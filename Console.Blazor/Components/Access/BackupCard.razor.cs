using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Backup;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Access;

/// <summary>An administrator's on-demand backup: a passphrase checked as it is typed, progress while it runs, the result and the backups kept.</summary>
public sealed partial class BackupCard : ComponentBase
{
    private string? _passphrase;
    private bool _busy;
    private BackupMade? _made;
    private string? _error;
    private IReadOnlyList<FileInfo> _files = [];

    [Inject] private StoreBackup Backups { get; set; } = default!;
    [Inject] private ConsoleUser User { get; set; } = default!;

    /// <summary>Why the typed passphrase would be refused; nothing before anything is typed.</summary>
    private string? Problem => _passphrase is null ? null : BackupCipher.PassphraseProblem(_passphrase);

    protected override void OnParametersSet() => LoadFiles();

    private void LoadFiles() => _files = [.. Backups.List().Reverse().Select(f => new FileInfo(f))];

    private async Task BackUp()
    {
        _busy = true;
        _made = null;
        _error = null;
        StateHasChanged();
        try
        {
            var made = await Backups.CreateAsync(User.Caller, _passphrase);
            if (made.Ok)
            {
                _made = made.Value;
                _passphrase = null;
            }
            else
            {
                _error = made.Error!.Message;
            }
            LoadFiles();
        }
        finally
        {
            _busy = false;
        }
    }
}
