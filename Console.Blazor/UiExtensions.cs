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
        builder.Services.AddScoped<ConsoleUser>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<IConsoleTasks, ConsoleTasks>();
        builder.Services.AddScoped<IConsoleAdmin, ConsoleAdmin>();
        builder.Services.AddScoped<PaneWorkspace>();
        builder.Services.AddScoped<IConsoleMetrics, ConsoleMetrics>();
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
