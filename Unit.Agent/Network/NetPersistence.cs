using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>What persisting a confirmed change did: whether it outlives a reboot, said in plain words, and what was written where.</summary>
public sealed record NetPersisted(string Backend, bool Persisted, string Persistence, IReadOnlyList<NetSaved> Saved, IReadOnlyList<string> Commands);

/// <summary>
/// Makes a confirmed net.configure change outlive a reboot through whatever keeps the unit's network configuration
/// (<see cref="NetBackendDetector"/>): systemd-networkd's files (<see cref="NetworkdFiles"/>), NetworkManager's
/// connections (<see cref="NmConnections"/>), or nothing, said plainly. Only a change that was kept gets here, so a
/// change that is rolled back never leaves a file or a profile behind. A network namespace (<see cref="NetHost.Namespace"/>)
/// is kept by no manager: there only a forced backend (Agent:NetworkPersistence) writes anything.
/// </summary>
/// <param name="systemDirectories">Where else networkd reads .network files (<see cref="NetworkdPrecedence.SystemDirectories"/> unless a test says).</param>
public sealed class NetPersistence(NetBackendDetector detector, string networkdDirectory, NmConnections? nm = null, IReadOnlyList<string>? systemDirectories = null)
{
    public const string DefaultNetworkdDirectory = "/etc/systemd/network";

    /// <summary>Detects the backend; systemd-networkd's files go to /etc/systemd/network.</summary>
    public static NetPersistence Default { get; } = new(new NetBackendDetector(), DefaultNetworkdDirectory);

    public string NetworkdDirectory => networkdDirectory;

    public async Task<NetPersisted> PersistAsync(NetConfigureParameters p, NetHost host, IReadOnlyList<string> touched, long taskId, Action<string> log, CancellationToken ct)
    {
        string backend = await detector.DetectAsync(ct).ConfigureAwait(false);
        if (backend == NetBackends.Runtime && detector.Forced)
            return new(backend, false, "runtime only: this unit keeps no network configuration (Agent:NetworkPersistence is runtime); the change is lost at reboot", [], []);
        if (backend == NetBackends.Runtime)
            return new(backend, false, "runtime only: neither NetworkManager nor systemd-networkd runs on this unit, so nothing keeps network configuration; the change is lost at reboot", [], []);
        if (host.Namespace is not null && !detector.Forced)
            return new(NetBackends.Runtime, false, $"runtime only: network namespace {host.Namespace} is kept by no network manager; the change is lost with the namespace or at reboot", [], []);
        try
        {
            // The state to write is the one that was confirmed: read again now, after the change.
            var after = await NetSnapshot.TakeAsync(host, ct).ConfigureAwait(false);
            if (backend == NetBackends.Networkd)
            {
                var files = new NetworkdFiles(networkdDirectory);
                var saved = files.Write(p, after, touched, taskId);
                foreach (var s in saved) log((s.Removed ? "removed " : "wrote ") + s.Where);
                var shadowed = saved.Where(s => !s.Removed && s.Where.EndsWith(".network", StringComparison.Ordinal))
                    .Select(s => (s.Interface, First: NetworkdPrecedence.Before(s.Where, s.Interface, [networkdDirectory, .. systemDirectories ?? NetworkdPrecedence.SystemDirectories])))
                    .Where(x => x.First is not null).ToList();
                foreach (var (name, first) in shadowed) log($"systemd-networkd reads {first} before the agent's file for {name}");
                string but = shadowed.Count == 0 ? "" : "; but at boot systemd-networkd gives " + string.Join(", ", shadowed.Select(x => $"{x.Interface} the settings of {x.First}")) +
                    ", which it reads first: remove that file or take the interface out of its Name= to use these";
                return new(backend, shadowed.Count == 0, $"kept across reboots by systemd-networkd: {Places(saved)}{but}", saved, []);
            }
            var (written, commands) = await (nm ?? new NmConnections()).WriteAsync(p, after, touched, ct).ConfigureAwait(false);
            foreach (var c in commands) log(c);
            return new(backend, true, $"kept across reboots by NetworkManager: {Places(written)}", written, commands);
        }
        catch (Exception ex) when (ex is TaskFailureException or IOException or UnauthorizedAccessException)
        {
            log("persisting failed: " + ex.Message);
            string manager = backend == NetBackends.Networkd ? $"systemd-networkd's files in {networkdDirectory}" : "NetworkManager's connections";
            return new(backend, false, $"runtime only: the change is kept now but is lost at reboot, because writing {manager} failed ({ex.Message})", [], []);
        }
    }

    private static string Places(IReadOnlyList<NetSaved> saved) => saved.Count == 0
        ? "nothing needed writing"
        : string.Join("; ", saved.Select(s => (s.Removed ? "removed " : "") + s.Where));
}
