using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Components.Pages;

/// <summary>
/// A unit's processes, refreshed every 2 s, with their threads on a click and signals sent as
/// <c>system.process.signal</c> tasks.
/// </summary>
public sealed partial class Processes : ComponentBase, IAsyncDisposable
{
    [Inject] private IConsoleMetrics Metrics { get; set; } = default!;
    [Inject] private IConsoleTasks Tasks { get; set; } = default!;

    [Parameter] public string Id { get; set; } = "";

    private IReadOnlyList<ProcessInfo> _processes = [];
    private IReadOnlyList<ThreadInfo>? _threads;
    private int? _expanded;
    private string _filter = "";
    private string? _message;
    private Severity _severity = Severity.Info;
    private readonly CancellationTokenSource _stop = new();

    private Task _poll = Task.CompletedTask;

    protected override Task OnInitializedAsync() => RefreshAsync();

    /// <summary>The refresh loop runs only in the interactive circuit (not while prerendering) and is awaited on dispose.</summary>
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender) _poll = PollAsync(_stop.Token);
    }

    /// <summary>Refreshes every 2 s while the page is open; ends with the page.</summary>
    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                await InvokeAsync(async () =>
                {
                    if (ct.IsCancellationRequested) return;
                    await RefreshAsync();
                    if (!ct.IsCancellationRequested) StateHasChanged();
                });
        }
        catch (OperationCanceledException) { }
        catch (Exception ex) { await DispatchExceptionAsync(ex); }
    }

    private async Task RefreshAsync()
    {
        var outcome = await Metrics.ProcessesAsync(Id);
        if (outcome.Ok) _processes = outcome.Value!.Processes;
        else (_message, _severity) = (outcome.Error!.Message, Severity.Error);
        if (_expanded is { } pid) await LoadThreadsAsync(pid);
    }

    private IEnumerable<ProcessInfo> Visible() => string.IsNullOrWhiteSpace(_filter)
        ? _processes
        : _processes.Where(p => p.Command.Contains(_filter, StringComparison.OrdinalIgnoreCase) || p.User.Contains(_filter, StringComparison.OrdinalIgnoreCase));

    private async Task ToggleAsync(ProcessInfo p)
    {
        if (_expanded == p.Pid) { _expanded = null; _threads = null; return; }
        _expanded = p.Pid;
        _threads = null;
        await LoadThreadsAsync(p.Pid);
    }

    private async Task LoadThreadsAsync(int pid)
    {
        var outcome = await Metrics.ThreadsAsync(Id, pid);
        _threads = outcome.Ok ? outcome.Value!.Threads : [];
    }

    private bool MaySignal => Tasks.MayRun(ProcessSignal.Contract.Kind, Id);

    private (ProcessInfo Process, string Signal)? _asked;

    private void AskSignal(ProcessInfo p, string signal) => _asked = (p, signal);

    /// <summary>What a signal does, for the confirmation: KILL cannot be caught, STOP freezes, TERM and HUP ask.</summary>
    private static string SignalEffect(string signal) => signal switch
    {
        "KILL" => "ends it at once; it cannot clean up, and unsaved work is lost",
        "STOP" => "freezes it until it gets CONT",
        "CONT" => "lets a stopped process run again",
        "HUP" => "asks it to reload or hang up",
        _ => "asks it to end; it may clean up first",
    };

    private async Task ConfirmSignalAsync()
    {
        if (_asked is not { } asked) return;
        _asked = null;
        await SignalAsync(asked.Process, asked.Signal);
    }

    private async Task SignalAsync(ProcessInfo p, string signal)
    {
        var parameters = ProcessSignal.Contract.Write(new ProcessSignalParameters(p.Pid, signal));
        var outcome = await Tasks.SubmitAsync(new SubmitTask(ProcessSignal.Contract.Kind, Id, parameters));
        (_message, _severity) = outcome.Ok
            ? ($"task {outcome.Value!.Id}: SIG{signal} to {p.Pid} ({p.Command}) — follow it in Tasks", Severity.Info)
            : (outcome.Error!.Message, Severity.Error);
    }

    /// <summary>Stops the refresh loop and waits for it (a refresh in flight ends within the station's process-list timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _poll;
        _stop.Dispose();
    }
}
