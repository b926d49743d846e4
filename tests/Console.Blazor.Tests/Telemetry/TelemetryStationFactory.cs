using System.Collections.Concurrent;
using System.Diagnostics;
using Ccdsvm.Console.Blazor.Tests.Monitoring;
using Ccdsvm.Unit.Agent.Connection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Ccdsvm.Console.Blazor.Tests.Telemetry;

/// <summary>
/// The real station in memory with its co-hosted agent (reaching the hub through the test server), tracing switched
/// on as an operator would (<c>Station:Telemetry:Tracing</c>), its spans also handed to OpenTelemetry's in-memory
/// exporter and its log lines, with their scopes, to a recording logger. Station and agent share this one process,
/// so one exporter sees both sides of a task.
/// </summary>
public sealed class TelemetryStationFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = MonitoringStationFactory.AdminPassword;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ccdsvm-otel-" + Guid.NewGuid().ToString("N"));

    public TelemetryStationFactory() => Environment.SetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD", AdminPassword);

    public SpanCollection Spans { get; } = new();
    public RecordingLoggerProvider Logs { get; } = new();
    public string FilesRoot => Path.Combine(_dir, "files");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(FilesRoot);
        builder.UseSetting("Station:DataDirectory", _dir);
        builder.UseSetting("Station:Telemetry:Tracing", "true");
        builder.UseSetting("Agent:Roots:0", FilesRoot);
        builder.ConfigureTestServices(s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IStationTransport, TestServerTransport>());
            s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans));
            s.AddSingleton<ILoggerProvider>(Logs);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

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

/// <summary>The exporter's collection, safe to read while spans are still being exported.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _items = [];

    public Activity[] Snapshot()
    {
        lock (_items) return [.. _items];
    }

    public int Count { get { lock (_items) return _items.Count; } }
    public bool IsReadOnly => false;
    public void Add(Activity item) { lock (_items) _items.Add(item); }
    public void Clear() { lock (_items) _items.Clear(); }
    public bool Contains(Activity item) { lock (_items) return _items.Contains(item); }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (_items) _items.CopyTo(array, arrayIndex); }
    public bool Remove(Activity item) { lock (_items) return _items.Remove(item); }
    public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One log line as a structured sink sees it: category, message and the fields of every scope around it.</summary>
public sealed record LogLine(string Category, string Message, IReadOnlyDictionary<string, object?> Scope);

/// <summary>Records every log line with the values of its scopes (the logger factory hands it the shared scope provider).</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private sealed class Recorder(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            provider._scopes.ForEachScope((s, d) =>
            {
                if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (k, v) in pairs) d[k] = v;
            }, scope);
            provider._lines.Enqueue(new LogLine(category, formatter(state, exception), scope));
        }
    }
}
