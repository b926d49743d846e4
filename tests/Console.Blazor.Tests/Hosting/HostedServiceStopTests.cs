using Ccdsvm.Console.Blazor.Tests.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Console.Blazor.Tests.Hosting;

/// <summary>
/// The station's hosted services, as the real application registers them: a service the container disposed before the
/// host stopped it (seen when a test host was torn down: five services threw ObjectDisposedException from StopAsync and
/// failed the host's stop) stops without throwing, and so does the host after it.
/// </summary>
public sealed class HostedServiceStopTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-hosted-stop-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task Every_hosted_service_stops_quietly_after_it_was_disposed()
    {
        var station = new SessionStation(_dir);
        try
        {
            _ = station.Server;
            var services = station.Services.GetServices<IHostedService>().ToList();
            Assert.True(services.Count >= 5, $"only {services.Count} hosted services registered");
            foreach (var service in services)
            {
                if (service is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().AsTask().WaitAsync(Limit);
                else (service as IDisposable)?.Dispose();
            }

            var failures = new List<string>();
            foreach (var service in services)
            {
                try { await service.StopAsync(CancellationToken.None).WaitAsync(Limit); }
                catch (Exception ex) when (ex is not TimeoutException) { failures.Add($"{service.GetType().Name}: {ex.GetType().Name}: {ex.Message}"); }
            }
            Assert.Empty(failures);
        }
        finally
        {
            await station.DisposeAsync().AsTask().WaitAsync(Limit);
        }
    }
}
