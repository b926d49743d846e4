using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>Averages the rates of the samples since the last summary; memory and file systems are the latest.</summary>
internal sealed class MetricsSummarizer
{
    private readonly List<MetricsSample> _samples = [];

    public void Add(MetricsSample sample) => _samples.Add(sample);

    public MetricsSummary? Take()
    {
        if (_samples.Count == 0) return null;
        var last = _samples[^1];
        var summary = new MetricsSummary(last.At,
            Math.Round(_samples.Average(s => s.Cpu.BusyPercent), 2),
            last.Memory.UsedBytes, last.Memory.TotalBytes,
            _samples.Average(s => s.Totals.NetRxBytesPerSec), _samples.Average(s => s.Totals.NetTxBytesPerSec),
            _samples.Average(s => s.Totals.DiskReadBytesPerSec), _samples.Average(s => s.Totals.DiskWriteBytesPerSec),
            last.Load1, last.FileSystems);
        _samples.Clear();
        return summary;
    }
}
