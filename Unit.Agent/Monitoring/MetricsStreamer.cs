using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>
/// Samples the host every Agent:MetricsInterval. Full-rate samples go to the station only between
/// WatchMetrics(true) and WatchMetrics(false) (the station counts viewers); a summary goes every
/// Agent:SummaryInterval regardless, for the fleet view, history and alerts.
/// </summary>
public sealed partial class MetricsStreamer(SystemSampler sampler, IOptions<MetricsOptions> options, ILogger<MetricsStreamer> logger) : BackgroundService
{
    private HubConnection? _connection;
    private int _streaming;
    private long _samplesSent;
    private long _summariesSent;
    private volatile MetricsSample? _latest;

    /// <summary>True while the station has asked for full-rate samples.</summary>
    public bool IsStreaming => Volatile.Read(ref _streaming) == 1;

    /// <summary>Full-rate samples sent to the station since start.</summary>
    public long SamplesSent => Interlocked.Read(ref _samplesSent);

    public long SummariesSent => Interlocked.Read(ref _summariesSent);

    public MetricsSample? Latest => _latest;

    /// <summary>Registers the monitoring handlers on a new station connection; streaming starts off until the station asks.</summary>
    public void Attach(HubConnection connection)
    {
        _connection = connection;
        SetStreaming(false);
        connection.On<bool>(nameof(IAgentClient.WatchMetrics), on => { SetStreaming(on); return Task.CompletedTask; });
        connection.On(nameof(IAgentClient.GetProcesses), () => Task.Run(() => sampler.Processes.Table(sampler.BootTime)));
        connection.On<int, ThreadList>(nameof(IAgentClient.GetThreads), pid => Task.FromResult(sampler.Processes.Threads(pid)));
    }

    internal void SetStreaming(bool on)
    {
        if (Interlocked.Exchange(ref _streaming, on ? 1 : 0) != (on ? 1 : 0)) LogStreaming(on);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var summarizer = new MetricsSummarizer();
        var interval = o.MetricsInterval > TimeSpan.Zero ? o.MetricsInterval : TimeSpan.FromSeconds(1);
        using var timer = new PeriodicTimer(interval);
        long lastSummary = Environment.TickCount64;
        sampler.Sample(); // the first sample only sets the baseline counters
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                MetricsSample sample;
                try { sample = sampler.Sample(); }
                catch (IOException ex) { LogSampleFailed(ex.Message); continue; }
                _latest = sample;
                summarizer.Add(sample);
                if (IsStreaming && await SendAsync(nameof(IAgentHub.ReportSample), sample).ConfigureAwait(false))
                    Interlocked.Increment(ref _samplesSent);
                if (Environment.TickCount64 - lastSummary >= o.SummaryInterval.TotalMilliseconds && summarizer.Take() is { } summary)
                {
                    lastSummary = Environment.TickCount64;
                    if (await SendAsync(nameof(IAgentHub.ReportSummary), summary).ConfigureAwait(false))
                        Interlocked.Increment(ref _summariesSent);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> SendAsync(string method, object arg)
    {
        var c = _connection;
        if (c is not { State: HubConnectionState.Connected }) return false;
        try
        {
            await c.SendAsync(method, arg).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The connection dropped between the check and the send: the next connection picks up.
            LogSendFailed(ex.Message);
            return false;
        }
    }

    [LoggerMessage(400, LogLevel.Information, "Full-rate metrics streaming {On}")]
    private partial void LogStreamingCore(string on);

    private void LogStreaming(bool on) => LogStreamingCore(on ? "started" : "stopped");

    [LoggerMessage(401, LogLevel.Warning, "Could not read a metrics sample: {Error}")]
    private partial void LogSampleFailed(string error);

    [LoggerMessage(402, LogLevel.Debug, "Could not send metrics: {Error}")]
    private partial void LogSendFailed(string error);
}
