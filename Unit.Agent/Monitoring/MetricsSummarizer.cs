using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>Averages the rates of the samples since the last summary; memory and file systems are the latest.</summary>
internal sealed class MetricsSummarizer(Func<string, bool> countsInTotal)
{
    private readonly List<MetricsSample> _samples = [];

    public void Add(MetricsSample sample) => _samples.Add(sample);

    public MetricsSummary? Take()
    {
        if (_samples.Count == 0) return null;
        var last = _samples[^1];
        var net = _samples.Select(s => s.Network.Where(n => n.Interface != "lo")).ToList();
        var disks = _samples.Select(s => s.Disks.Where(d => countsInTotal(d.Device))).ToList();
        var summary = new MetricsSummary(last.At,
            Math.Round(_samples.Average(s => s.Cpu.BusyPercent), 2),
            last.Memory.UsedBytes, last.Memory.TotalBytes,
            net.Average(n => n.Sum(x => x.RxBytesPerSec)), net.Average(n => n.Sum(x => x.TxBytesPerSec)),
            disks.Average(d => d.Sum(x => x.ReadBytesPerSec)), disks.Average(d => d.Sum(x => x.WriteBytesPerSec)),
            last.Load1, last.FileSystems);
        _samples.Clear();
        return summary;
    }
}
