namespace Ccdsvm.Console.Blazor.Services;

public enum PaneLayout { Tabs, Grid }

/// <summary>The panes open in one browser window (one circuit): which tasks, which is in front, tabs or grid.</summary>
public sealed class PaneWorkspace
{
    private readonly List<long> _open = [];

    public IReadOnlyList<long> Open => _open;
    public long? Selected { get; private set; }
    public PaneLayout Layout { get; private set; } = PaneLayout.Tabs;

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

    public void SetLayout(PaneLayout layout)
    {
        Layout = layout;
        Changed?.Invoke();
    }
}
