using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>A tree by layer the test sets whole (each layer keyed by its parent, "" for the top); <see cref="Changed"/> tells the view.</summary>
public sealed class ScriptedUnitTree : IConsoleUnitTree
{
    private readonly object _gate = new();
    private readonly List<Action> _handlers = [];
    private IReadOnlyDictionary<string, IReadOnlyList<UnitTreeNode>> _layers = new Dictionary<string, IReadOnlyList<UnitTreeNode>>();

    public IReadOnlyDictionary<string, IReadOnlyList<UnitTreeNode>> Layers
    {
        get => Volatile.Read(ref _layers);
        set => Volatile.Write(ref _layers, value);
    }

    public Outcome<UnitTreePage> Children(string? parent, int offset) =>
        Layers.TryGetValue(parent ?? "", out var layer)
            ? new UnitTreePage(parent, [.. layer.Skip(offset).Take(UnitTree.PageSize)], layer.Count, offset)
            : StationError.NotFound($"unit '{parent}' is not known");

    public IDisposable Subscribe(Action handler)
    {
        lock (_gate) _handlers.Add(handler);
        return new Unsubscribe(this, handler);
    }

    public void Changed()
    {
        Action[] handlers;
        lock (_gate) handlers = [.. _handlers];
        foreach (var h in handlers) h();
    }

    private sealed class Unsubscribe(ScriptedUnitTree tree, Action handler) : IDisposable
    {
        public void Dispose()
        {
            lock (tree._gate) tree._handlers.Remove(handler);
        }
    }
}
