using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>One full-rate sample of a unit, sent every Agent:MetricsInterval while someone watches the unit.</summary>
[MessagePackObject]
public sealed record MetricsSample(
    [property: Key(0)] DateTimeOffset At,
    [property: Key(1)] CpuFigures Cpu,
    [property: Key(2)] IReadOnlyList<CpuFigures> Cores,
    [property: Key(3)] double Load1,
    [property: Key(4)] double Load5,
    [property: Key(5)] double Load15,
    [property: Key(6)] MemoryFigures Memory,
    [property: Key(7)] IReadOnlyList<NetworkFigures> Network,
    [property: Key(8)] IReadOnlyList<DiskFigures> Disks,
    [property: Key(9)] IReadOnlyList<FileSystemFigures> FileSystems,
    [property: Key(10)] int ProcessCount,
    [property: Key(11)] int ThreadCount,
    [property: Key(12)] UnitRates Totals);

/// <summary>Unit-wide rates: network without loopback, disks without partitions and loop devices (no double counting).</summary>
[MessagePackObject]
public sealed record UnitRates(
    [property: Key(0)] double NetRxBytesPerSec,
    [property: Key(1)] double NetTxBytesPerSec,
    [property: Key(2)] double DiskReadBytesPerSec,
    [property: Key(3)] double DiskWriteBytesPerSec);

/// <summary>CPU time shares over the last interval, in percent of one CPU (total: of all CPUs).</summary>
[MessagePackObject]
public sealed record CpuFigures(
    [property: Key(0)] string Name,
    [property: Key(1)] double BusyPercent,
    [property: Key(2)] double UserPercent,
    [property: Key(3)] double SystemPercent,
    [property: Key(4)] double IowaitPercent,
    [property: Key(5)] double StealPercent);

[MessagePackObject]
public sealed record MemoryFigures(
    [property: Key(0)] long TotalBytes,
    [property: Key(1)] long UsedBytes,
    [property: Key(2)] long AvailableBytes,
    [property: Key(3)] long SwapTotalBytes,
    [property: Key(4)] long SwapUsedBytes);

/// <summary>Per-interface rates, plus the kernel's cumulative byte counters they come from.</summary>
[MessagePackObject]
public sealed record NetworkFigures(
    [property: Key(0)] string Interface,
    [property: Key(1)] double RxBytesPerSec,
    [property: Key(2)] double TxBytesPerSec,
    [property: Key(3)] double RxPacketsPerSec,
    [property: Key(4)] double TxPacketsPerSec,
    [property: Key(5)] double RxErrorsPerSec,
    [property: Key(6)] double TxErrorsPerSec,
    [property: Key(7)] long RxBytesTotal,
    [property: Key(8)] long TxBytesTotal);

/// <summary>Per-device rates from /proc/diskstats, plus the cumulative byte counters.</summary>
[MessagePackObject]
public sealed record DiskFigures(
    [property: Key(0)] string Device,
    [property: Key(1)] double ReadBytesPerSec,
    [property: Key(2)] double WriteBytesPerSec,
    [property: Key(3)] double ReadOpsPerSec,
    [property: Key(4)] double WriteOpsPerSec,
    [property: Key(5)] double BusyPercent,
    [property: Key(6)] long ReadBytesTotal,
    [property: Key(7)] long WriteBytesTotal);

[MessagePackObject]
public sealed record FileSystemFigures(
    [property: Key(0)] string Mount,
    [property: Key(1)] string Device,
    [property: Key(2)] string Type,
    [property: Key(3)] long TotalBytes,
    [property: Key(4)] long UsedBytes,
    [property: Key(5)] long AvailableBytes)
{
    [IgnoreMember]
    public double UsedPercent => TotalBytes <= 0 ? 0 : 100.0 * UsedBytes / TotalBytes;
}

/// <summary>The compact figures every unit sends every 10 s, watched or not: the fleet view and history live on these.</summary>
[MessagePackObject]
public sealed record MetricsSummary(
    [property: Key(0)] DateTimeOffset At,
    [property: Key(1)] double CpuPercent,
    [property: Key(2)] long MemUsedBytes,
    [property: Key(3)] long MemTotalBytes,
    [property: Key(4)] double NetRxBytesPerSec,
    [property: Key(5)] double NetTxBytesPerSec,
    [property: Key(6)] double DiskReadBytesPerSec,
    [property: Key(7)] double DiskWriteBytesPerSec,
    [property: Key(8)] double Load1,
    [property: Key(9)] IReadOnlyList<FileSystemFigures> FileSystems);

/// <summary>One row of a unit's process table.</summary>
[MessagePackObject]
public sealed record ProcessInfo(
    [property: Key(0)] int Pid,
    [property: Key(1)] int Ppid,
    [property: Key(2)] string User,
    [property: Key(3)] string Command,
    [property: Key(4)] string State,
    [property: Key(5)] double CpuPercent,
    [property: Key(6)] long RssBytes,
    [property: Key(7)] int Threads,
    [property: Key(8)] DateTimeOffset StartedAt);

[MessagePackObject]
public sealed record ProcessList(
    [property: Key(0)] DateTimeOffset At,
    [property: Key(1)] IReadOnlyList<ProcessInfo> Processes);

[MessagePackObject]
public sealed record ThreadInfo(
    [property: Key(0)] int Tid,
    [property: Key(1)] string Name,
    [property: Key(2)] string State,
    [property: Key(3)] double CpuPercent);

/// <summary>The threads of one process; empty with <see cref="Error"/> set when the process is gone.</summary>
[MessagePackObject]
public sealed record ThreadList(
    [property: Key(0)] int Pid,
    [property: Key(1)] IReadOnlyList<ThreadInfo> Threads,
    [property: Key(2)] string? Error);
