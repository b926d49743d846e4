using Ccdsvm.Console.Blazor.Services;

namespace Ccdsvm.Console.Blazor.Components.Files;

/// <summary>
/// Drag and drop between the panes (HTML5): an entry dragged from one pane onto the other asks "Copy here /
/// Move here / Cancel", then runs the same transfer as the row's buttons. The other pane shows it takes the
/// drop while the drag lasts and lights up under the pointer. Touch screens keep the buttons.
/// </summary>
public sealed partial class TwoPaneFiles
{
    public sealed record Dragged(Side From, FileEntry Entry);

    private Dragged? _drag;
    private Dragged? _dropped;
    private Side? _over;

    /// <summary>dragenter and dragleave also come from the pane's children; the pane is under the pointer while enters outnumber leaves.</summary>
    private int _overDepth;

    private void DragStart(Side from, FileEntry entry) => (_drag, _dropped, _error) = (new Dragged(from, entry), null, null);

    /// <summary>Comes after the drop, or alone when the entry was dropped somewhere else.</summary>
    private void DragEnd() => (_drag, _over, _overDepth) = (null, null, 0);

    private bool Accepts(Side side) => _drag is { } d && d.From != side;

    /// <summary>Set by a dragenter or dragleave that changed no highlight: the pointer crossing rows is then no reason to render both panes again.</summary>
    private bool _highlightUnchanged;

    protected override bool ShouldRender()
    {
        bool render = !_highlightUnchanged;
        _highlightUnchanged = false;
        return render;
    }

    private void DragEnter(Side side)
    {
        var before = _over;
        if (Accepts(side))
        {
            if (_over != side) (_over, _overDepth) = (side, 0);
            _overDepth++;
        }
        _highlightUnchanged = _over == before;
    }

    private void DragLeave(Side side)
    {
        var before = _over;
        if (_over == side && --_overDepth <= 0) (_over, _overDepth) = (null, 0);
        _highlightUnchanged = _over == before;
    }

    private void Drop(Side side)
    {
        if (Accepts(side)) _dropped = _drag;
        DragEnd();
    }

    private async Task ChooseAsync(bool move)
    {
        if (_dropped is not { } dropped) return;
        _dropped = null;
        await TransferAsync(dropped.From, new FileManager.FileTransfer(dropped.Entry, move));
    }

    private void CancelDrop() => _dropped = null;

    private string DropClass(Side side) => _over == side ? "drop-over" : Accepts(side) ? "drop-ready" : "";
}
