using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// The fleet as a tree by layer, as the circuit's user sees it (<see cref="UnitTree.Children"/>): one page of the units
/// directly below a unit, or at the top, each mid station with the counts of the units below it.
/// </summary>
public interface IConsoleUnitTree
{
    /// <summary>Up to <see cref="UnitTree.PageSize"/> units below <paramref name="parent"/> (null: the top), from <paramref name="offset"/>, in name order.</summary>
    Outcome<UnitTreePage> Children(string? parent, int offset);

    /// <summary>Called when a unit the user sees changes, or the user's grants change. Handlers run off the renderer: hop with InvokeAsync.</summary>
    IDisposable Subscribe(Action handler);
}

public sealed class ConsoleUnitTree(ConsoleUser user, UnitTree tree, UnitDirectory directory) : IConsoleUnitTree
{
    public Outcome<UnitTreePage> Children(string? parent, int offset) => tree.Children(user.Caller, parent, offset);

    public IDisposable Subscribe(Action handler)
    {
        var changes = directory.Subscribe(u =>
        {
            if (directory.View(user.Caller, u.Id).Ok) handler();
        });
        var access = user.OnAccessChanged(handler);
        return new Both(changes, access);
    }

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
