using System.Net.NetworkInformation;
using System.Reflection;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>Gathers what the agent announces: host, OS, CPU, memory, disks, interfaces and roots.</summary>
public sealed partial class InventoryCollector(IOptions<AgentOptions> options, PathGuard guard, DataPlaneAddress dataPlane, LoopMapper mapper, TaskRunner runner, NetBackendDetector netBackend, ILogger<InventoryCollector> logger)
{
    private IReadOnlyList<string>? _tools;

    public async Task<UnitInventory> CollectAsync(CancellationToken ct)
    {
        var o = options.Value;
        return new UnitInventory(
            o.Name,
            o.Name,
            Environment.MachineName,
            OsName(),
            KernelRelease(),
            Environment.ProcessorCount,
            MemoryBytes(),
            await DisksAsync(ct).ConfigureAwait(false),
            Interfaces(),
            guard.Roots,
            typeof(InventoryCollector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
            o.Parent,
            dataPlane.Url,
            [.. o.PublishedServices.Keys.Order(StringComparer.Ordinal)],
            new UnitPolicy(Path.GetFullPath(o.MountRoot), [.. o.Devices], [.. o.DenyKinds]),
            await CapabilitiesAsync(ct).ConfigureAwait(false),
            o.Kind);
    }

    /// <summary>
    /// OS family and version, architecture, the kinds this agent has executors for, the tools on its PATH and what keeps
    /// its network configuration across a reboot (asked afresh: a network manager started since is seen). Kinds its
    /// policy denies stay listed: that refusal is the unit's own, audited as such (the policy is announced beside).
    /// </summary>
    internal async Task<UnitCapabilities> CapabilitiesAsync(CancellationToken ct)
    {
        var release = OsRelease();
        var kinds = runner.Kinds.Order(StringComparer.Ordinal).ToList();
        _tools ??= FindTools(Environment.GetEnvironmentVariable("PATH"));
        return new UnitCapabilities(release.GetValueOrDefault("ID", "linux"), release.GetValueOrDefault("VERSION_ID", ""),
            System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), kinds, _tools,
            await netBackend.DetectAsync(ct).ConfigureAwait(false));
    }

    /// <summary>The probed tools found as files in a directory of <paramref name="path"/>.</summary>
    internal static IReadOnlyList<string> FindTools(string? path)
    {
        var dirs = (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]).Distinct(StringComparer.Ordinal).ToList();
        return [.. UnitAbilities.ProbedTools.Where(t => dirs.Any(d => File.Exists(Path.Combine(d, t))))];
    }

    private static Dictionary<string, string> OsRelease()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        const string osRelease = "/etc/os-release";
        if (!File.Exists(osRelease)) return values;
        foreach (var line in File.ReadLines(osRelease))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) values[line[..eq]] = line[(eq + 1)..].Trim('"');
        }
        return values;
    }

    public async Task<IReadOnlyList<DiskInfo>> DisksAsync(CancellationToken ct)
    {
        try
        {
            var output = await ProcessRunner.RunAsync("lsblk", LsblkParser.Arguments, ct, TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            if (output.ExitCode != 0)
            {
                LogLsblkFailed(output.StdErr.Trim());
                return [];
            }
            return await FsTypeProbe.FillAsync(PartitionLoops.Fold(LsblkParser.Parse(output.StdOut), await mapper.AllAsync(ct).ConfigureAwait(false)), ct).ConfigureAwait(false);
        }
        catch (TaskFailureException ex)
        {
            LogLsblkFailed(ex.Message);
            return [];
        }
    }

    internal static string OsName()
    {
        const string osRelease = "/etc/os-release";
        if (File.Exists(osRelease))
        {
            foreach (var line in File.ReadLines(osRelease))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                    return line["PRETTY_NAME=".Length..].Trim('"');
            }
        }
        return System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    }

    internal static string KernelRelease()
    {
        const string osrelease = "/proc/sys/kernel/osrelease";
        return File.Exists(osrelease) ? File.ReadAllText(osrelease).Trim() : Environment.OSVersion.Version.ToString();
    }

    internal static long MemoryBytes()
    {
        const string meminfo = "/proc/meminfo";
        if (File.Exists(meminfo))
        {
            foreach (var line in File.ReadLines(meminfo))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], out var kib)) return kib * 1024;
            }
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    private static List<NetworkInterfaceInfo> Interfaces() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Select(n => new NetworkInterfaceInfo(
                n.Name,
                n.GetPhysicalAddress().GetAddressBytes() is { Length: > 0 } mac ? Convert.ToHexString(mac) : null,
                n.GetIPProperties().UnicastAddresses.Select(a => a.Address.ToString()).ToList(),
                n.OperationalStatus == OperationalStatus.Up))
            .ToList();

    [LoggerMessage(200, LogLevel.Warning, "lsblk failed: {Error}")]
    private partial void LogLsblkFailed(string error);
}
