using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 and a port of its own (Kestrel): it records every POST (path, headers, body) and
/// answers 500 to the first <see cref="FailFirst"/> of them, 200 after.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _seen;

    private WebhookReceiver(WebApplication app) => _app = app;

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Answered);

    public ConcurrentQueue<Received> Requests { get; } = new();
    public int FailFirst { get; set; }
    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            int n = Interlocked.Increment(ref receiver._seen);
            int status = n <= receiver.FailFirst ? 500 : 200;
            receiver.Requests.Enqueue(new Received(context.Request.Path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync().WaitAsync(NotificationFixture.Limit);
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(NotificationFixture.Limit);
        await _app.DisposeAsync();
    }
}
