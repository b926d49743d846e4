using Ccdsvm.Console.Blazor;
using Ccdsvm.Console.Blazor.Api;
using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Telemetry;
using Ccdsvm.Console.Blazor.Tls;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Hosting;
using Ccdsvm.Station.Core.Hubs;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.DataProtection;

if (StationCommands.TryRun(args, out int exitCode)) return exitCode;

var builder = WebApplication.CreateBuilder(args);
if (builder.AddStationTls() is { } tlsError)
{
    Console.Error.WriteLine($"ccdsvm station: {tlsError}");
    return 2;
}

builder.Services.AddStationCore(builder.Configuration);
builder.AddStationAuthentication();
builder.AddConsoleUi();
builder.AddEmbeddedAgent();
if (builder.AddStationUplink() is { } uplinkError)
{
    Console.Error.WriteLine($"ccdsvm station: {uplinkError}");
    return 2;
}
builder.AddStationTelemetry();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<KindSchemas>());
builder.Services.AddProblemDetails();
// Under HTTPS the antiforgery cookie is Secure like the session cookie.
builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
builder.Services.AddBadRequestProblems();
builder.Services.AddDataProtection().SetApplicationName(TotpSecrets.ApplicationName).PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(builder.Configuration["Station:DataDirectory"] ?? "data", "keys")));

var app = builder.Build();
try
{
    app.InitialiseStation();
}
catch (Ccdsvm.Station.Core.Store.StoreTooNewException ex)
{
    // Nothing was changed in the store; say why in words and leave with a failure for systemd and scripts.
    Console.Error.WriteLine($"ccdsvm station: {ex.Message}");
    return 3;
}
app.UseStationTls();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAgentAdmissionLimits();
// The terminal's WebSocket (/api/v1/terminal/{id}); SignalR's hubs set up their own.
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.UseAccountSetupGate();
app.UseAntiforgery();

app.MapOpenApi();
app.MapHealth();
app.MapMetricsScrape();
app.MapStationTls();
app.MapStationApi();
app.MapAgentHub();
app.MapConsoleUi();

app.Run();
return 0;
