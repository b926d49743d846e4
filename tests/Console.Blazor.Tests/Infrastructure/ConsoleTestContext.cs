using Bunit;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>
/// The one bUnit base class: loose JS interop (MudBlazor calls JS we do not care about here), MudBlazor
/// services with zero snackbar transitions, and a scripted <see cref="IConsoleTasks"/> driven by a real notifier.
/// </summary>
public abstract class ConsoleTestContext : BunitContext, IAsyncLifetime
{
    /// <summary>Bound for every wait on something published from another thread.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    protected ConsoleTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        Storage = new ScriptedConsoleStorage(Clock);
        Services.AddSingleton<IConsoleTasks>(Tasks);
        Bulk = new ScriptedConsoleBulk(Tasks);
        Services.AddSingleton<IConsoleBulk>(Bulk);
        Services.AddSingleton<IConsoleUnits>(new ScriptedConsoleUnits(Tasks));
        Services.AddSingleton<IConsoleStorage>(Storage);
        Services.AddSingleton<IConsoleReads>(Reads);
        Network = new ScriptedConsoleNetwork(Tasks);
        Services.AddSingleton<IConsoleNetwork>(Network);
        Services.AddSingleton<IConsoleUnitChain>(UnitChain);
        Services.AddSingleton<IConsoleMetrics>(Metrics);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(Dismissed);
        Services.AddSingleton(Workspace);
    }

    protected ScriptedConsoleTasks Tasks { get; } = new();
    protected ScriptedConsoleBulk Bulk { get; }

    /// <summary>The panes users closed, shared by every "window" of a test as by every circuit of a station.</summary>
    protected DismissedPanes Dismissed { get; } = new();

    /// <summary>Alerts (and the rest of monitoring) the fleet overview reads.</summary>
    protected FakeConsoleMetrics Metrics { get; } = new();

    /// <summary>The stations above units (the unit pages' breadcrumb): none unless a test sets them.</summary>
    protected ScriptedUnitChain UnitChain { get; } = new();

    /// <summary>The fleet's addresses and the staged network changes the Network card shows.</summary>
    protected ScriptedConsoleNetwork Network { get; }

    /// <summary>Folder listings, read without tasks.</summary>
    protected ScriptedConsoleReads Reads { get; } = new();

    /// <summary>The station's storage readings the Storage page shows.</summary>
    protected ScriptedConsoleStorage Storage { get; }

    /// <summary>The console's clock: readings' ages are measured on it.</summary>
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));

    /// <summary>The panes of the one "browser window" of a test.</summary>
    protected PaneWorkspace Workspace { get; } = new();

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's PopoverService is only IAsyncDisposable: xunit v2 calls this before Dispose, which then has nothing left to do.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
