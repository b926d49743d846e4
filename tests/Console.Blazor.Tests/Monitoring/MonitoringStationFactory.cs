using Ccdsvm.Unit.Agent.Connection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccdsvm.Console.Blazor.Tests.Monitoring;

/// <summary>A real station in memory whose co-hosted agent reaches the hub through the test server.</summary>
public sealed class MonitoringStationFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "monitor-test-password-1";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ccdsvm-monitor-e2e-" + Guid.NewGuid().ToString("N"));

    public MonitoringStationFactory() => Environment.SetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD", AdminPassword);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Station:DataDirectory", _dir);
        builder.UseSetting("Agent:MetricsInterval", "00:00:00.2");
        builder.UseSetting("Agent:Roots:0", Path.Combine(_dir, "files"));
        builder.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton<IStationTransport, TestServerTransport>()));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    // The host's own IServer is the TestServer; asking the factory for Server from inside the host's
    // start would build a second host.
    private sealed class TestServerTransport(Microsoft.AspNetCore.Hosting.Server.IServer server) : IStationTransport
    {
        public Uri StationUrl => new("http://localhost");

        public HttpClient Http => ((TestServer)server).CreateClient();

        public void Configure(HttpConnectionOptions options)
        {
            options.HttpMessageHandlerFactory = _ => ((TestServer)server).CreateHandler();
            options.Transports = HttpTransportType.LongPolling;
        }
    }
}
