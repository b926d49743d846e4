using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Station.Core.Tests.Monitoring;

public sealed class AlertsTests : IDisposable
{
    private readonly MonitoringFixture _f = new();
    private readonly List<AlertChange> _changes = [];

    public AlertsTests() => _f.Alerts.Subscribe(c => { lock (_changes) _changes.Add(c); });

    public void Dispose() => _f.Dispose();

    [Fact]
    public void CpuAboveNinetyForFiveMinutes_RaisesOnce_AndClearsWhenItDrops()
    {
        for (int i = 0; i < 30; i++)
        {
            _f.Ingest.OnSummary("a", Samples.Summary(95));
            if (i < 29) Assert.Empty(_f.Alerts.Active("a"));
            _f.Time.Advance(TimeSpan.FromSeconds(10));
        }
        _f.Ingest.OnSummary("a", Samples.Summary(97));
        var alert = Assert.Single(_f.Alerts.Active("a"));
        Assert.Equal(Alerts.Cpu, alert.Rule);
        Assert.Contains("CPU above 90 %", alert.Message);
        Assert.Single(_changes, c => c.Active);

        _f.Ingest.OnSummary("a", Samples.Summary(40));
        Assert.Empty(_f.Alerts.Active("a"));
        Assert.Equal([true, false], _changes.Select(c => c.Active));
    }

    [Fact]
    public void ShortCpuSpike_RaisesNothing()
    {
        _f.Ingest.OnSummary("a", Samples.Summary(99));
        _f.Time.Advance(TimeSpan.FromMinutes(4));
        _f.Ingest.OnSummary("a", Samples.Summary(50));
        _f.Time.Advance(TimeSpan.FromMinutes(2));
        _f.Ingest.OnSummary("a", Samples.Summary(99));
        Assert.Empty(_f.Alerts.Active());
    }

    /// <summary>Found by the fuzz (issue 16.3): a summary naming one mount twice threw in the hub call.</summary>
    [Fact]
    public void AMountReportedTwice_IsOneAlert_WithTheFullerReading()
    {
        _f.Ingest.OnSummary("a", Samples.Summary(10, [Samples.Fs("/srv", 92), Samples.Fs("/srv", 97)]));

        var alert = Assert.Single(_f.Alerts.Active("a"));
        Assert.Contains("/srv is 97 % full", alert.Message);
    }

    [Fact]
    public void FileSystemAboveNinetyPercent_Raises_AndClearsWhenFreed()
    {
        _f.Ingest.OnSummary("a", Samples.Summary(10, [Samples.Fs("/", 50), Samples.Fs("/srv", 95)]));
        var alert = Assert.Single(_f.Alerts.Active("a"));
        Assert.Equal("fs:/srv", alert.Key);
        Assert.Contains("/srv is 95 % full", alert.Message);
        _f.Ingest.OnSummary("a", Samples.Summary(10, [Samples.Fs("/", 50), Samples.Fs("/srv", 80)]));
        Assert.Empty(_f.Alerts.Active("a"));
    }

    [Fact]
    public void AfterAStationRestart_StillTrueConditionsAreRaisedAgainFromFreshData()
    {
        _f.Ingest.OnSummary("a", Samples.Summary(10, [Samples.Fs("/srv", 95)]));
        Assert.Single(_f.Alerts.Active("a"));

        // A new station process over the same store: no alert carried over, the unit is offline until it announces.
        var units = new Ccdsvm.Station.Core.Units.UnitRegistry(_f.Db);
        var alerts = new Alerts(_f.Options, units, _f.Time);
        var ingest = new MetricsIngest(alerts, _f.Time);
        Assert.Equal(Alerts.Offline, Assert.Single(alerts.Active("a")).Rule);

        units.Online("conn-a-again", MonitoringFixture.Inventory("a"), _f.Time.Now);
        Assert.Empty(alerts.Active("a"));
        ingest.OnSummary("a", Samples.Summary(10, [Samples.Fs("/srv", 95)]));
        Assert.Equal("fs:/srv", Assert.Single(alerts.Active("a")).Key);
    }

    [Fact]
    public void UnitOffline_Raises_AndClearsWhenItReturns()
    {
        _f.Units.Offline("conn-a", _f.Time.Now);
        Assert.Equal(Alerts.Offline, Assert.Single(_f.Alerts.Active("a")).Rule);
        _f.Units.Online("conn-a3", MonitoringFixture.Inventory("a"), _f.Time.Now);
        Assert.Empty(_f.Alerts.Active("a"));
    }

    [Fact]
    public void PerUnitThresholds_ReplaceTheDefaults()
    {
        _f.Options.Value.Units["a"] = new AlertThresholds { FileSystemPercent = 40 };
        _f.Ingest.OnSummary("a", Samples.Summary(10, [Samples.Fs("/", 50)]));
        Assert.Single(_f.Alerts.Active("a"));
    }
}
