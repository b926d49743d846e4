using Ccdsvm.Console.Blazor.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace Ccdsvm.Console.Blazor.Components.Layout;

/// <summary>
/// The console's keyboard: js/shortcuts.js reports a shortcut (never while typing in a field), this component acts
/// on it: the task list, a new task, the next or previous pane, and the palette that finds a page or a unit as you type.
/// </summary>
public sealed partial class CommandPalette : ComponentBase, IAsyncDisposable
{
    /// <summary>The names js/shortcuts.js reports.</summary>
    public static class Names
    {
        public const string Palette = "palette";
        public const string Help = "help";
        public const string Tasks = "tasks";
        public const string NewTask = "new";
        public const string Next = "next";
        public const string Previous = "previous";
        public const string Close = "close";
    }

    private DotNetObjectReference<CommandPalette>? _self;
    private IJSObjectReference? _module;
    private ElementReference _input;
    private bool _open;
    private bool _help;
    private bool _focus;
    private string _query = "";
    // What the box holds when the palette opens; never re-rendered while typing, so fast typing loses no keys to a round trip.
    private string _prefill = "";
    private int _active;
    private IReadOnlyList<PaletteCommand> _matches = [];

    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IConsoleUnits UnitList { get; set; } = default!;
    [Inject] private PaneWorkspace Workspace { get; set; } = default!;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/shortcuts.js");
            if (_module is not null) await _module.InvokeVoidAsync("register", _self);
        }
        if (_focus)
        {
            _focus = false;
            await _input.FocusAsync();
        }
    }

    /// <summary>Called by js/shortcuts.js with one of <see cref="Names"/>.</summary>
    [JSInvokable]
    public Task OnShortcut(string name)
    {
        switch (name)
        {
            case Names.Palette: Open(help: false); break;
            case Names.Help: Open(help: true); break;
            case Names.NewTask: Open(help: false, query: PaletteCommands.RunPrefix); break;
            case Names.Tasks: Navigation.NavigateTo("/tasks"); break;
            case Names.Next: SwitchPane(+1); break;
            case Names.Previous: SwitchPane(-1); break;
            case Names.Close when _open: Close(); break;
            default: return Task.CompletedTask;
        }
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void Open(bool help, string query = "")
    {
        _open = true;
        _help = help;
        _focus = true;
        _prefill = query;
        Filter(query);
    }

    private void Close()
    {
        _open = false;
        _help = false;
    }

    private void Filter(string query)
    {
        _query = query;
        _matches = PaletteCommands.Matching(PaletteCommands.All(UnitsFor(query)), query);
        _active = 0;
    }

    /// <summary>
    /// At most <see cref="PaletteCommands.MaxUnits"/> units, found by the station's search: by the typed word that names the
    /// fewest units (a command's title holds every word, so the unit is among those), or the first by name when no word names one.
    /// </summary>
    private IReadOnlyList<Station.Core.Units.UnitView> UnitsFor(string query)
    {
        UnitListing? best = null;
        foreach (var word in PaletteCommands.UnitWords(query).Take(4))
        {
            var page = UnitList.List(new Station.Core.Units.UnitQuery(Search: word), Station.Core.Units.UnitSorts.Name, 0, PaletteCommands.MaxUnits);
            if (page.Ok && (best is null || page.Value!.Total < best.Total)) best = page.Value;
        }
        if (best is null)
        {
            var first = UnitList.List(new Station.Core.Units.UnitQuery(), Station.Core.Units.UnitSorts.Name, 0, PaletteCommands.MaxUnits);
            best = first.Value;
        }
        return best?.Items ?? [];
    }

    private void Typed(ChangeEventArgs e) => Filter(e.Value as string ?? "");

    private void OnKey(KeyboardEventArgs e)
    {
        switch (e.Key)
        {
            case "Escape": Close(); break;
            case "ArrowDown" when _matches.Count > 0: _active = (_active + 1) % _matches.Count; break;
            case "ArrowUp" when _matches.Count > 0: _active = (_active - 1 + _matches.Count) % _matches.Count; break;
            case "Enter" when _active < _matches.Count: Go(_matches[_active]); break;
        }
    }

    private void Go(PaletteCommand command)
    {
        Close();
        Navigation.NavigateTo(command.Href);
    }

    /// <summary>The next or previous open pane comes to the front, on the workspace (going there from another page).</summary>
    private void SwitchPane(int step)
    {
        Workspace.SelectNext(step);
        if (Navigation.ToBaseRelativePath(Navigation.Uri).Split('?')[0].Length != 0) Navigation.NavigateTo("/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.InvokeVoidAsync("unregister");
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The browser is gone, and its listener with it.
            }
        }
        _self?.Dispose();
    }
}
