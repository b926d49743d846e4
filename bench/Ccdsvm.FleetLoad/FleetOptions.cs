using System.Globalization;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.FleetLoad;

/// <summary>The command line: <c>--station URL --token ADMIN_API_TOKEN --agents N --duration SECONDS [--tasks-per-second R]</c> and the rig's knobs.</summary>
public sealed record FleetOptions(
    Uri Station,
    string Token,
    int Agents,
    TimeSpan Duration,
    double TasksPerSecond,
    string? Fingerprint,
    int SourceAddresses,
    int EnrolParallel,
    int ConnectParallel,
    double HoldSeconds,
    int MaxTasks,
    string Prefix,
    int? StationPid,
    double IdleSeconds,
    double MaxReconnectDelaySeconds,
    string? UntilFile = null,
    int LockGroups = 0,
    double MaxRenewIntervalSeconds = 10,
    double IdleSettleSeconds = 0,
    bool HoldsOnly = false,
    int ProgressMs = 250,
    bool StampStage = false,
    string? StartFile = null)
{
    public const string Usage = "usage: Ccdsvm.FleetLoad --station URL --token ADMIN_API_TOKEN --agents N --duration SECONDS [--tasks-per-second R] "
        + "[--max-tasks M (stop submitting after M)] [--fingerprint SHA256] [--source-addresses 16] [--enrol-parallel 16] [--connect-parallel 64] "
        + "[--hold-seconds 1] [--prefix fl] [--station-pid PID (RSS and idle CPU of the station)] [--idle-seconds 10] [--max-reconnect-delay 30 (as Agent:MaxReconnectDelaySeconds)] "
        + "[--until-file PATH (submit all --max-tasks, then after --duration go on until PATH exists: a station may be restarted meanwhile)] "
        + "[--lock-groups G (holds share G resources, each on one unit, so some wait for a lock; 0: each its own)] "
        + "[--max-renew-interval 10 (the longest pause between lease renewals, as the agent: every sixth of the lease, at most this)] "
        + "[--idle-settle 0 (seconds all connected before the idle CPU is measured: the station's JIT settles)] "
        + "[--holds-only (every task a maintenance.hold)] [--progress-ms 250 (a hold's report interval)] "
        + "[--stamp-stage (a hold's stage text ends in '@' and the report's send time, Unix ms: the console bench's lag probe)] "
        + "[--start-file PATH (connect, then submit only once PATH exists)]";

    public static FleetOptions Parse(string[] args)
    {
        string? Arg(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        string Need(string name) => Arg(name) ?? throw new ArgumentException($"{name} is required; {Usage}");
        int Int(string name, int fallback, int min, int max)
        {
            string? text = Arg(name);
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
                throw new ArgumentException($"{name} must be a whole number from {min} to {max}; got '{text}'");
            return v;
        }
        double Dbl(string name, double fallback, double min, double max)
        {
            string? text = Arg(name);
            if (text is null) return fallback;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < min || v > max)
                throw new ArgumentException($"{name} must be a number from {min} to {max}; got '{text}'");
            return v;
        }

        if (!Uri.TryCreate(Need("--station"), UriKind.Absolute, out var station) || station.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--station must be the station's http(s) URL; got '{Arg("--station")}'");
        string? fingerprint = Arg("--fingerprint");
        if (fingerprint is not null && CertificatePins.Normalize(fingerprint, out var error) is null) throw new ArgumentException("--fingerprint: " + error);
        string prefix = Arg("--prefix") ?? "fl" + Convert.ToHexStringLower(BitConverter.GetBytes(Environment.TickCount64))[..4];
        if (prefix.Length > 20 || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            throw new ArgumentException("--prefix must be 1-20 lower-case letters and digits (unit names are {prefix}-{n})");
        Need("--agents");
        Need("--duration");
        return new FleetOptions(station, Need("--token"), Int("--agents", 0, 1, 100_000), TimeSpan.FromSeconds(Dbl("--duration", 0, 1, 86_400)),
            Dbl("--tasks-per-second", 0, 0, 10_000), fingerprint, Int("--source-addresses", 16, 1, 250), Int("--enrol-parallel", 16, 1, 1000),
            Int("--connect-parallel", 64, 1, 10_000), Dbl("--hold-seconds", 1, 1, 3600), Int("--max-tasks", int.MaxValue, 0, int.MaxValue), prefix,
            Arg("--station-pid") is null ? null : Int("--station-pid", 0, 1, int.MaxValue), Dbl("--idle-seconds", 10, 0, 600),
            Dbl("--max-reconnect-delay", 30, 1, 3600), Arg("--until-file"), Int("--lock-groups", 0, 0, 100_000),
            Dbl("--max-renew-interval", 10, 0.3, 60), Dbl("--idle-settle", 0, 0, 3600), Array.IndexOf(args, "--holds-only") >= 0,
            Int("--progress-ms", 250, 10, 60_000), Array.IndexOf(args, "--stamp-stage") >= 0, Arg("--start-file"));
    }
}
