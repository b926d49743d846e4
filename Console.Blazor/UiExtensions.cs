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
        });
        builder.Services.AddMudServices();
        // After AddRazorComponents, so it replaces the default provider: open consoles recheck their session.
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidation>();
        builder.Services.AddScoped<ConsoleUser>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<IConsoleTasks, ConsoleTasks>();
        builder.Services.AddScoped<IConsoleAdmin, ConsoleAdmin>();
        builder.Services.AddScoped<PaneWorkspace>();
        builder.Services.AddSingleton<DismissedPanes>();
        builder.Services.AddScoped<IConsoleMetrics, ConsoleMetrics>();
        builder.Services.AddScoped<IConsoleStorage, ConsoleStorage>();
        builder.Services.AddScoped<IConsoleReads, ConsoleReads>();
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
