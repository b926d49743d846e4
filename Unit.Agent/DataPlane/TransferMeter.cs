using System.Diagnostics;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>Bytes done of a whole transfer, throughput, ETA and an optional bandwidth cap; reports into the task context.</summary>
public sealed class TransferMeter(TaskContext context, long totalBytes, double? bandwidthMiBps)
{
    private const double MiB = 1024 * 1024;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _done;
    private long _counted;

    public long TotalBytes { get; set; } = totalBytes;
    public long DoneBytes => _done;
    public string? CurrentFile { get; set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Bytes that were already there (a resume, a file kept from an earlier attempt): done, but not counted in throughput.</summary>
    public void Skip(long bytes) => _done += bytes;

    public async ValueTask AddAsync(long bytes, CancellationToken ct)
    {
        _done += bytes;
        _counted += bytes;
        Telemetry.AgentTelemetry.Transferred(bytes);
        if (bandwidthMiBps is { } cap)
        {
            var due = TimeSpan.FromSeconds(_counted / (cap * MiB));
            var ahead = due - _clock.Elapsed;
            if (ahead > TimeSpan.FromMilliseconds(5)) await Task.Delay(ahead, ct).ConfigureAwait(false);
        }
        Report();
    }

    /// <summary>Bytes transferred, counted and reported without waiting for the bandwidth cap (what a broken stream had handed over).</summary>
    public void Count(long bytes)
    {
        _done += bytes;
        _counted += bytes;
        Telemetry.AgentTelemetry.Transferred(bytes);
        Report();
    }

    public double MiBPerSecond => _clock.Elapsed.TotalSeconds > 0 ? _counted / MiB / _clock.Elapsed.TotalSeconds : 0;

    public void Report(string verb = "copying")
    {
        double rate = MiBPerSecond;
        string eta = rate > 0 && TotalBytes > _done ? $", ETA {TimeSpan.FromSeconds(Math.Ceiling((TotalBytes - _done) / MiB / rate)):g}" : "";
        string file = CurrentFile is null ? "" : $" {CurrentFile}:";
        context.Report(TotalBytes <= 0 ? 0 : (double)_done / TotalBytes,
            $"{verb}{file} {Size(_done)} of {Size(TotalBytes)} at {rate:N0} MiB/s{eta}");
    }

    public static string Size(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):N2} GiB" : $"{bytes / MiB:N0} MiB";
}
