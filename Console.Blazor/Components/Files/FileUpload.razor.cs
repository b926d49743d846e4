using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Ccdsvm.Console.Blazor.Components.Files;

/// <summary>
/// Uploads one file from the browser into a directory of a unit through the station's transfer API. The
/// browser streams it (the circuit carries only progress), the station relays it with backpressure, the
/// unit writes it under its roots; the station's size limit answers 413 with its own words.
/// </summary>
public sealed partial class FileUpload : ComponentBase, IAsyncDisposable
{
    private readonly string _id = Guid.NewGuid().ToString("N");
    private ElementReference _input;
    private IJSObjectReference? _module;
    private DotNetObjectReference<FileUpload>? _self;
    private Chosen? _chosen;
    private bool _uploading;
    private long _sent;
    private long _total;
    private string? _error;
    /// <summary>The upload whose task is shown (it stays after the upload ends, until the next one starts).</summary>
    private (string Path, DateTimeOffset Since, int Key)? _watching;

    public sealed record Chosen(string Name, long Size);

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Parameter, EditorRequired] public string UnitId { get; set; } = "";
    [Parameter, EditorRequired] public string Directory { get; set; } = "/";
    [Parameter] public EventCallback<string> OnUploaded { get; set; }

    private double Percent => _total <= 0 ? 0 : 100.0 * _sent / _total;

    private async Task<IJSObjectReference> ModuleAsync() =>
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/upload.js");

    private async Task ChosenAsync()
    {
        _error = null;
        _chosen = await (await ModuleAsync()).InvokeAsync<Chosen?>("chosen", _input);
    }

    private async Task StartAsync()
    {
        if (_chosen is null) return;
        string path = Directory.TrimEnd('/') + "/" + _chosen.Name;
        string url = $"/api/v1/units/{Uri.EscapeDataString(UnitId)}/files?path={Uri.EscapeDataString(path)}&overwrite=false";
        (_uploading, _sent, _total, _error) = (true, 0, _chosen.Size, null);
        _watching = (path, DateTimeOffset.UtcNow - TransferTask.AdmittedBeforeClick, (_watching?.Key ?? 0) + 1);
        _self ??= DotNetObjectReference.Create(this);
        await (await ModuleAsync()).InvokeVoidAsync("start", _input, url, _self, _id);
    }

    private async Task CancelAsync()
    {
        if (_module is not null) await _module.InvokeVoidAsync("cancel", _id);
    }

    [JSInvokable]
    public Task Progress(long sent, long total) => InvokeAsync(() =>
    {
        (_sent, _total) = (sent, total);
        StateHasChanged();
    });

    [JSInvokable]
    public Task Done(int status, string body) => InvokeAsync(async () =>
    {
        _uploading = false;
        // The browser cleared its file input; choosing again starts afresh.
        var name = _chosen?.Name ?? "";
        _chosen = null;
        if (status is >= 200 and < 300)
        {
            await OnUploaded.InvokeAsync(name);
        }
        else
        {
            _error = status <= 0 ? body : $"upload refused ({status}): {Detail(body)}";
        }
        StateHasChanged();
    });

    private static string Detail(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                if (_uploading) await _module.InvokeVoidAsync("cancel", _id);
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
        _self?.Dispose();
    }
}
