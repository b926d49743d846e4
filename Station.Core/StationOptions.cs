namespace Ccdsvm.Station.Core;

/// <summary>The <c>Station</c> configuration section.</summary>
public sealed class StationOptions
{
    public const string Section = "Station";

    /// <summary>Where the SQLite store lives. Default ./data.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Free space the store's file system must keep: below it new tasks are refused with 503 (and /healthz says why)
    /// until space is freed, so the tasks already admitted can still record their progress and results. Default 64 MiB.
    /// </summary>
    public int MinFreeStoreMegabytes { get; set; } = 64;

    /// <summary>
    /// Slots in the task list. 0 means derived from the machine: 16 per CPU core, capped by one per
    /// 64 MiB of memory, at least 16 and at most 1024 (a 2-core machine gets 32).
    /// </summary>
    public int MaxTasks { get; set; }

    /// <summary>Tasks one user may have active at once. 0 means half of MaxTasks, at least 16 (one person with many panes), never more than MaxTasks.</summary>
    public int MaxTasksPerUser { get; set; }

    /// <summary>Agent connections admitted at once between their first byte and their announcement; more are answered 503 and retry. 0: no bound.</summary>
    public int MaxConcurrentHandshakes { get; set; } = 128;

    /// <summary>Enrolments redeemed at once; more are answered 503 and retry. 0: no bound.</summary>
    public int MaxConcurrentEnrolments { get; set; } = 32;

    /// <summary>How long a task ticket is valid after dispatch; units allow ten minutes of clock difference on top (ClockTolerance).</summary>
    public int TicketLifetimeSeconds { get; set; } = 300;

    /// <summary>How long a task whose unit is unreachable (or unclaimed after a restart) keeps its locks before it is Interrupted.</summary>
    public int RecoveryGraceSeconds { get; set; } = 60;

    /// <summary>
    /// Added to an unreachable unit's lease end before its tasks' locks are handed on: covers clock-rate drift and the
    /// moment the agent takes to stop its tasks. A lease is granted for at most RecoveryGraceSeconds less this. With a
    /// short grace (a lab or a test) at most half the grace counts (<see cref="EffectiveLeaseMarginSeconds"/>), so
    /// every grace leaves a lease.
    /// </summary>
    public int LeaseMarginSeconds { get; set; } = 5;

    /// <summary>The margin in force: <see cref="LeaseMarginSeconds"/>, at most half the grace.</summary>
    public int EffectiveLeaseMarginSeconds => Math.Min(LeaseMarginSeconds, RecoveryGraceSeconds / 2);

    /// <summary>An order the unit has not acknowledged within this time is sent again (the unit answers a repeat from its record).</summary>
    public int OrderReceiptSeconds { get; set; } = 10;

    /// <summary>The longest lease the station grants a unit: the grace less the margin, at least one second.</summary>
    public int MaxLeaseSeconds => Math.Max(1, RecoveryGraceSeconds - EffectiveLeaseMarginSeconds);

    /// <summary>Largest message an agent may send on the hub, in bytes.</summary>
    public long MaxHubMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Whether the station co-hosts its own unit agent named "station".</summary>
    public bool EmbeddedAgent { get; set; } = true;

    /// <summary>Mount options refused by default (suid, dev, user, users, owner, group, helper) that storage.mount may use; units check their own list too.</summary>
    public List<string> AllowMountOptions { get; set; } = [];

    /// <summary>The terminal's policy (<c>Station:Terminal</c>): whether sessions are recorded at their unit.</summary>
    public StationTerminalOptions Terminal { get; set; } = new();

    /// <summary>Lifetime of API bearer tokens, in minutes.</summary>
    public int TokenLifetimeMinutes { get; set; } = 480;

    public int EffectiveMaxTasks => MaxTasks > 0 ? MaxTasks : DefaultMaxTasks(Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    public int EffectiveMaxTasksPerUser => MaxTasksPerUser > 0 ? MaxTasksPerUser : Math.Min(EffectiveMaxTasks, Math.Max(16, EffectiveMaxTasks / 2));

    public static int DefaultMaxTasks(int cpus, long memoryBytes)
    {
        long byMemory = memoryBytes / (64L * 1024 * 1024);
        return (int)Math.Clamp(Math.Min(16L * cpus, byMemory), 16, 1024);
    }

    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), "station.db");
}
