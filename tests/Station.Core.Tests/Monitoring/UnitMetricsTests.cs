using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Station.Core.Tests.Monitoring;

public sealed class UnitMetricsTests : IDisposable
{
    private readonly MonitoringFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData("yesterday", null, null, "'from' must be an ISO 8601 time")]
    [InlineData(null, "soon", null, "'to' must be an ISO 8601 time")]
    [InlineData(null, null, "5m", "'step' must be one of 1s, 1m, 1h")]
    [InlineData("2030-01-01T00:00:00Z", "2029-12-31T00:00:00Z", null, "must be before")]
    [InlineData("2029-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "1s", "use a coarser step")]
    public void History_BadInput_IsABadRequestThatSaysWhy(string? from, string? to, string? step, string message)
    {
        var outcome = _f.Metrics.History("a", from, to, step);
        Assert.Equal(StationErrorKind.BadRequest, outcome.Error!.Kind);
        Assert.Contains(message, outcome.Error.Message);
    }

    [Fact]
    public void History_UnknownUnit_IsNotFound() =>
        Assert.Equal(StationErrorKind.NotFound, _f.Metrics.History("nope", null, null, null).Error!.Kind);

    [Fact]
    public void History_ReadsWhatTheIngestWrote()
    {
        _f.Ingest.OnSample("a", Samples.Sample(33));
        _f.Time.Advance(TimeSpan.FromSeconds(1));
        _f.Ingest.OnSample("a", Samples.Sample(66));
        _f.Store.Append(_f.Ingest.TakePending());
        var h = _f.Metrics.History("a", null, null, null).Value!;
        Assert.Equal("1s", h.Step);
        Assert.Equal([33.0, 66.0], h.Points.Select(p => p.CpuPercent));
        Assert.Equal(4, h.Points[0].DiskWriteBytesPerSec);
    }

    [Fact]
    public void Summary_WhileSamplesFlow_AddsNoSecondPoint()
    {
        _f.Ingest.OnSample("a", Samples.Sample(33));
        _f.Ingest.OnSummary("a", Samples.Summary(40));
        Assert.Single(_f.Ingest.TakePending());
        _f.Time.Advance(TimeSpan.FromSeconds(10));
        _f.Ingest.OnSummary("a", Samples.Summary(40));
        Assert.Equal(40, Assert.Single(_f.Ingest.TakePending()).Cpu);
    }

    [Fact]
    public async Task Processes_OfflineUnit_IsAConflictThatSaysSo()
    {
        _f.Units.Offline("conn-a", _f.Time.Now);
        var outcome = await _f.Metrics.ProcessesAsync("a").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StationErrorKind.Conflict, outcome.Error!.Kind);
        Assert.Contains("offline", outcome.Error.Message);
    }

    [Fact]
    public async Task Processes_AgentTooSlow_IsAConflictNamingTheTimeout()
    {
        _f.Link.Processes = () => throw new TimeoutException();
        var outcome = await _f.Metrics.ProcessesAsync("a").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("did not answer within 5 s", outcome.Error!.Message);
    }

    /// <summary>Found by the fuzz (issue 16.3): an agent that answers a client result with an error was a 500.</summary>
    [Fact]
    public async Task Processes_AgentAnswersWithAnError_IsAConflictNamingIt()
    {
        _f.Link.Processes = () => throw new Microsoft.AspNetCore.SignalR.HubException("Client didn't provide a result.");
        var outcome = await _f.Metrics.ProcessesAsync("a").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StationErrorKind.Conflict, outcome.Error!.Kind);
        Assert.Contains("unit 'a' could not be asked: Client didn't provide a result.", outcome.Error.Message);
    }

    [Fact]
    public void ProcessKinds_LockTheProcessExclusively_AndRefusePidOne()
    {
        var catalog = new Ccdsvm.Station.Core.Tasks.TaskKindCatalog();
        Assert.True(catalog.TryGet(ProcessTaskKinds.Signal, out var signal));
        var p = System.Text.Json.JsonSerializer.SerializeToElement(new { pid = 4242, signal = "TERM" });
        Assert.Null(signal.Validate(p));
        var plan = Assert.Single(signal.LockPlan("a", p));
        Assert.Equal(("/units/a/processes/4242", Ccdsvm.Station.Core.Locks.LockMode.Exclusive), (plan.Resource, plan.Mode));
        Assert.Contains("pid 1 is the init process of the unit; signalling it is refused", signal.Validate(System.Text.Json.JsonSerializer.SerializeToElement(new { pid = 1, signal = "TERM" })));
        Assert.True(catalog.TryGet(ProcessTaskKinds.Renice, out var renice));
        Assert.Contains("at most 19", renice.Validate(System.Text.Json.JsonSerializer.SerializeToElement(new { pid = 5, nice = 40 })));
        Assert.Contains("pid 1 is the init process of the unit; renicing it is refused", renice.Validate(System.Text.Json.JsonSerializer.SerializeToElement(new { pid = 1, nice = 5 })));
        Assert.Contains("'pid' must be at least 1", signal.Validate(System.Text.Json.JsonSerializer.SerializeToElement(new { pid = 0, signal = "TERM" })));
        Assert.Contains("'signal' must be one of TERM, KILL, HUP, STOP, CONT", signal.Validate(System.Text.Json.JsonSerializer.SerializeToElement(new { pid = 42, signal = "USR1" })));
    }
}
