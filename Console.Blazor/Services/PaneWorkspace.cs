namespace Ccdsvm.Console.Blazor.Services;

public enum PaneLayout { Tabs, Grid }

/// <summary>How much room a pane of the grid takes: comfortable shows all of it, compact its head, progress and error, 12+ at 1366×900.</summary>
public enum PaneDensity { Comfortable, Compact }

/// <summary>The panes open in one browser window (one circuit): which tasks, which is in front, tabs or grid.</summary>
public sealed class PaneWorkspace
{
    private readonly List<long> _open = [];

    public IReadOnlyList<long> Open => _open;
    public long? Selected { get; private set; }
    public PaneLayout Layout { get; private set; } = PaneLayout.Tabs;
    public PaneDensity Density { get; private set; } = PaneDensity.Comfortable;

    public event Action? Changed;

    public void Show(long taskId)
    {
        if (!_open.Contains(taskId)) _open.Add(taskId);
        Selected = taskId;
        Changed?.Invoke();
    }

    public void Close(long taskId)
    {
        if (!_open.Remove(taskId)) return;
        if (Selected == taskId) Selected = _open.Count > 0 ? _open[^1] : null;
        Changed?.Invoke();
    }

    public void Select(long taskId)
    {
        if (!_open.Contains(taskId)) return;
        Selected = taskId;
        Changed?.Invoke();
    }

    /// <summary>The pane <paramref name="step"/> places after the selected one comes to the front, wrapping round (keyboard pane switching).</summary>
    public void SelectNext(int step)
    {
        if (_open.Count == 0) return;
        int at = Selected is { } s ? _open.IndexOf(s) : -1;
        int next = ((at + step) % _open.Count + _open.Count) % _open.Count;
        if (at < 0 && step < 0) next = _open.Count - 1;
        Selected = _open[next];
        Changed?.Invoke();
    }

    public void SetDensity(PaneDensity density)
    {
        if (Density == density) return;
        Density = density;
        Changed?.Invoke();
    }

    public void SetLayout(PaneLayout layout)
    {
        Layout = layout;
        Changed?.Invoke();
    }
}
