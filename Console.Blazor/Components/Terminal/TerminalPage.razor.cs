using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Ccdsvm.Console.Blazor.Components.Terminal;

/// <summary>
/// A terminal to a unit: a <c>system.terminal</c> task sized to the screen, its bytes on the task's own WebSocket
/// (js/terminal.js with xterm.js). The circuit hears only that the stream opened and why it closed.
/// </summary>
public sealed partial class TerminalPage : ComponentBase, IAsyncDisposable
{
    private readonly string _session = "t" + Guid.NewGuid().ToString("N")[..12];
    private ElementReference _screen;
    private ElementReference _keys;
    private IJSObjectReference? _module;
    private DotNetObjectReference<TerminalPage>? _self;
    private long? _taskId;
    private bool _open;
    private string? _ended;
    private string? _error;
    private TerminalSize? _size;

    public sealed record TerminalSize(int Cols, int Rows);

    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IConsoleTasks Tasks { get; set; } = default!;

    [Parameter] public string Id { get; set; } = "";

    private string State => _open ? "connected" : _ended is not null ? "ended" : "connecting";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/terminal.js");
        _self = DotNetObjectReference.Create(this);
        _size = await _module.InvokeAsync<TerminalSize>("create", _session, _screen, _keys);
        await StartAsync();
        StateHasChanged();
    }

    private async Task StartAsync()
    {
        if (_module is null || _size is null) return;
        (_error, _ended, _open) = (null, null, false);
        var parameters = new SystemTerminalParameters(
            Math.Clamp(_size.Cols, TerminalFrames.MinCols, TerminalFrames.MaxCols), Math.Clamp(_size.Rows, TerminalFrames.MinRows, TerminalFrames.MaxRows));
        var outcome = await Tasks.SubmitAsync(new SubmitTask(SystemTerminal.Contract.Kind, Id, SystemTerminal.Contract.Write(parameters)));
        if (!outcome.Ok)
        {
            _error = outcome.Error!.Message;
            return;
        }
        _taskId = outcome.Value!.Id;
        await _module.InvokeVoidAsync("connect", _session, _taskId, _self);
    }

    private async Task EndAsync()
    {
        if (_taskId is { } task)
        {
            var outcome = await Tasks.CancelAsync(task);
            if (!outcome.Ok) _error = outcome.Error!.Message;
        }
    }

    [JSInvokable]
    public Task Opened() => InvokeAsync(() =>
    {
        _open = true;
        StateHasChanged();
    });

    [JSInvokable]
    public Task Closed(string reason) => InvokeAsync(() =>
    {
        _open = false;
        _ended = reason;
        StateHasChanged();
    });

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.InvokeVoidAsync("dispose", _session);
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone with its page: nothing left to tidy in the browser.
            }
        }
        _self?.Dispose();
    }
}
