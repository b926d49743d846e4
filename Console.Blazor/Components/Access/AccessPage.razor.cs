using Ccdsvm.Console.Blazor.Services;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Access;

/// <summary>
/// Who may do what: the grants, users and groups, roles, enrolment and (for administrators) backup cards, with one message line for what
/// the last change did; every card reads its data again when grants, users or groups change.
/// </summary>
public sealed partial class AccessPage : ComponentBase, IDisposable
{
    private IDisposable? _subscription;
    private string? _message;
    private bool _failed;
    private int _version;

    [Inject] private IConsoleAdmin Admin { get; set; } = default!;
    [Inject] private ConsoleUser User { get; set; } = default!;

    /// <summary>Backups hold every secret of the station: administrators only.</summary>
    private bool IsAdmin => User.TryCaller()?.IsAdmin == true;

    protected override void OnInitialized() =>
        _subscription = Admin.Subscribe(() => InvokeAsync(() => { _version++; StateHasChanged(); }));

    private void Show(AccessMessage message)
    {
        (_message, _failed) = (message.Text, message.Failed);
        _version++;
    }

    public void Dispose() => _subscription?.Dispose();
}
