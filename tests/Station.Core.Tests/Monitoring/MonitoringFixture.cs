using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests.Monitoring;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Records what the station asks of agents.</summary>
public sealed class FakeLink : IAgentMetricsLink
{
    public List<(string Unit, bool On)> Watches { get; } = [];
    public Func<ProcessList?> Processes { get; set; } = () => new ProcessList(DateTimeOffset.UtcNow, []);

    public Task<bool> WatchAsync(string unitId, bool on)
    {
        lock (Watches) Watches.Add((unitId, on));
        return Task.FromResult(true);
    }

    public Task<ProcessList?> ProcessesAsync(string unitId, string user, TimeSpan timeout) => Task.FromResult(Processes());

    public Task<ThreadList?> ThreadsAsync(string unitId, int pid, string user, TimeSpan timeout) => Task.FromResult<ThreadList?>(new ThreadList(pid, [], null));
}

/// <summary>A real SQLite store in a temp file, a registry with unit "a" online, and the monitoring services on a manual clock.</summary>
public sealed class MonitoringFixture : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ccdsvm-monitor-" + Guid.NewGuid().ToString("N"));

    public MonitoringFixture()
    {
        Db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = Db.Open()) Migrations.Apply(c);
        Units = new UnitRegistry(Db);
        Units.Online("conn-a", Inventory("a"), Time.Now);
        Store = new MetricsStore(Db);
        Alerts = new Alerts(Options, Units, Time);
        Ingest = new MetricsIngest(Alerts, Time);
        Watch = new MetricsWatch(Link, Ingest, Units, NullLogger<MetricsWatch>.Instance);
        Metrics = new UnitMetrics(Units, Store, Link, Options, Time);
    }

    public ManualTime Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public IOptions<MonitoringOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new MonitoringOptions());
    public FakeLink Link { get; } = new();
    public StationDb Db { get; }
    public UnitRegistry Units { get; }
    public MetricsStore Store { get; }
    public Alerts Alerts { get; }
    public MetricsIngest Ingest { get; }
    public MetricsWatch Watch { get; }
    public UnitMetrics Metrics { get; }

    public static UnitInventory Inventory(string id) =>
        new(id, id, id, "Debian", "6.1", 2, 1L << 30, [], [], [], "test", null);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
