using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Console.Blazor.Components;
using Ccdsvm.Console.Blazor.Services;
using MudBlazor.Services;

namespace Ccdsvm.Console.Blazor;

public static class UiExtensions
{
    public static WebApplicationBuilder AddConsoleUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(o =>
        {
            o.DetailedErrors = builder.Environment.IsDevelopment();
            // What one console that stops reading can hold at the station (issue 16.2), stated here so that it is a
            // decision, not an accident of defaults: at most 10 render batches wait for the browser's acknowledgement,
            // then the circuit stops rendering for it (later changes are rendered together once it reads again); a
            // circuit whose browser went silent is dropped after the hub's client timeout and kept 3 minutes for a
            // reconnect, at most 100 of them; a call into a browser that never answers gives up after a minute.
            o.MaxBufferedUnacknowledgedRenderBatches = 10;
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
            o.DisconnectedCircuitMaxRetained = 100;
            o.JSInteropDefaultCallTimeout = TimeSpan.FromMinutes(1);
            // The circuit's hub keeps SignalR's and Blazor's own bounds: a browser silent for 30 s is dropped, one message
            // from it is at most 32 KB. (Set through AddHubOptions they also reached the agent hub, whose messages are larger.)
        });
        builder.Services.AddMudServices();
        // After AddRazorComponents, so it replaces the default provider: open consoles recheck their session.
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidation>();
        builder.Services.AddScoped<ConsoleUser>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<IConsoleTasks, ConsoleTasks>();
        builder.Services.AddScoped<IConsoleBulk, ConsoleBulk>();
        builder.Services.AddScoped<IConsoleSchedules, ConsoleSchedules>();
        builder.Services.AddScoped<IConsoleNotifications, ConsoleNotifications>();
        builder.Services.AddScoped<IConsoleNotificationAdmin, ConsoleNotificationAdmin>();
        builder.Services.AddScoped<IConsoleAdmin, ConsoleAdmin>();
        builder.Services.AddScoped<PaneWorkspace>();
        builder.Services.AddSingleton<DismissedPanes>();
        builder.Services.AddScoped<IConsoleMetrics, ConsoleMetrics>();
        builder.Services.AddScoped<IConsoleStorage, ConsoleStorage>();
        builder.Services.AddScoped<IConsoleReads, ConsoleReads>();
        builder.Services.AddScoped<IConsoleNetwork, ConsoleNetwork>();
        builder.Services.AddScoped<IConsoleUnits, ConsoleUnits>();
        builder.Services.AddScoped<IConsoleUnitTree, ConsoleUnitTree>();
        builder.Services.AddScoped<IConsoleUnitChain, ConsoleUnitChain>();
        return builder;
    }

    public static WebApplication MapConsoleUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        return app;
    }
}
