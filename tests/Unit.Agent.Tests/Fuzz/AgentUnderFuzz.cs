using System.Security.Cryptography;
using System.Text;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Unit.Agent.Tests.Fuzz;

/// <summary>
/// The agent's order path as the real agent builds it (<see cref="AgentServiceCollectionExtensions.AddUnitAgent"/>:
/// the <see cref="OrderGuard"/> with its ticket verifier, durable nonce record and local policy, and the
/// <see cref="TaskRunner"/> with every executor), enrolled with a station key this test holds, over real directories:
/// one root, a sentinel tree outside it (reached from inside through links, one swapped back and forth while the
/// fuzz runs), a mount root and an fstab of its own. No devices are allowed (Agent:Devices empty).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentUnderFuzz : IAsyncDisposable
{
    public const string Unit = "fuzz-unit";

    private readonly TempDir _base = new("agent-fuzz");
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _swapper;

    private AgentUnderFuzz()
    {
        Root = _base.CreateDirectory("root");
        Outside = _base.CreateDirectory("outside");
        MountRoot = _base.CreateDirectory("mnt");
        Fstab = _base.File("fstab");
        PwnedMarker = _base.File("pwned");
        File.WriteAllText(Fstab, "# the fuzzed unit's fstab\n");
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "outside every root\n");
        Directory.CreateDirectory(Path.Combine(Outside, "dir"));
        File.WriteAllText(Path.Combine(Outside, "dir", "inner.txt"), "also outside\n");
        Replenish();

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Name"] = Unit,
            ["Agent:Roots:0"] = Root,
            ["Agent:MountRoot"] = MountRoot,
            ["Agent:DataDirectory"] = _base.CreateDirectory("data"),
            ["Agent:FstabPath"] = Fstab,
            // Nothing listens there: an order that reached out to the station would fail, not go anywhere else.
            ["Agent:StationUrl"] = "http://127.0.0.1:9",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Critical));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddUnitAgent(configuration);
        // Enrolled with this test's station key instead of a stored enrolment.
        services.AddSingleton<IAgentEnrolment>(new Enrolled(new AgentIdentity(Unit, "credential", TicketSigning.ExportPublicKey(StationKey))));
        _services = services.BuildServiceProvider();
        Guard = _services.GetRequiredService<OrderGuard>();
        Runner = _services.GetRequiredService<TaskRunner>();
        Journal = _services.GetRequiredService<OrderJournal>();
        _swapper = SwapAsync(_stop.Token);
    }

    public ECDsa StationKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public ECDsa ForgerKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public string Root { get; }
    public string Outside { get; }
    public string MountRoot { get; }
    public string Fstab { get; }
    public string PwnedMarker { get; }
    public OrderGuard Guard { get; }
    public TaskRunner Runner { get; }
    public OrderJournal Journal { get; }

    public static async Task<AgentUnderFuzz> StartAsync()
    {
        var agent = new AgentUnderFuzz();
        var identity = await agent._services.GetRequiredService<AgentCredentials>().ObtainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        agent.Journal.BindTo(identity.StationPublicKey);
        return agent;
    }

    /// <summary>Puts back what earlier cases may have removed inside the root: files, a directory and the links out.</summary>
    public void Replenish()
    {
        Directory.CreateDirectory(Path.Combine(Root, "dir"));
        if (!File.Exists(Path.Combine(Root, "a.txt"))) File.WriteAllText(Path.Combine(Root, "a.txt"), "inside\n");
        Link("escape", Outside);
        Link("escape-file", Path.Combine(Outside, "secret.txt"));
        Link("dangling", Path.Combine(Outside, "not-there"));
        Link("loop", Path.Combine(Root, "loop"));
    }

    private void Link(string name, string target)
    {
        string path = Path.Combine(Root, name);
        if (new FileInfo(path).LinkTarget is not null || File.Exists(path) || Directory.Exists(path)) return;
        try { File.CreateSymbolicLink(path, target); }
        catch (IOException) { }
    }

    /// <summary>root/swap points inside the root and outside it in turn: a check-then-use gap would let an order out.</summary>
    private async Task SwapAsync(CancellationToken ct)
    {
        string swap = Path.Combine(Root, "swap");
        string next = Path.Combine(Root, ".swap-next");
        bool outside = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (File.Exists(next) || new FileInfo(next).LinkTarget is not null) File.Delete(next);
                File.CreateSymbolicLink(next, outside ? Outside : Path.Combine(Root, "dir"));
                File.Move(next, swap, overwrite: true);
                outside = !outside;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            try { await Task.Delay(1, ct); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Everything outside the root that an order could reach: the sentinel tree (names, kinds, modes, owners, contents), the fstab and the marker a shell would leave.</summary>
    public string Snapshot()
    {
        var sb = new StringBuilder();
        foreach (var entry in new DirectoryInfo(Outside).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            sb.Append(entry.FullName).Append(' ').Append(entry.UnixFileMode).Append(' ').Append(entry.LinkTarget ?? "-");
            if (entry is FileInfo { LinkTarget: null } file) sb.Append(' ').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file.FullName))));
            sb.Append(' ').Append(Owner(entry.FullName)).Append('\n');
        }
        sb.Append("outside ").Append(new DirectoryInfo(Outside).UnixFileMode).Append(' ').Append(Owner(Outside)).Append('\n');
        sb.Append("fstab ").Append(File.ReadAllText(Fstab)).Append('\n');
        sb.Append("pwned ").Append(File.Exists(PwnedMarker)).Append('\n');
        foreach (var mount in File.ReadLines("/proc/mounts").Where(l => l.Contains(_base.Path, StringComparison.Ordinal))) sb.Append("mounted ").Append(mount).Append('\n');
        return sb.ToString();
    }

    /// <summary>uid:gid of the entry itself (not where a link points), from statx(2).</summary>
    private static string Owner(string path)
    {
        var buffer = new byte[256];
        if (Statx(-100, path, 0x100, 0x7ff, buffer) != 0) return "?";
        return $"{BitConverter.ToUInt32(buffer, 20)}:{BitConverter.ToUInt32(buffer, 24)}";
    }

    // struct statx: stx_mask, stx_blksize (u32), stx_attributes (u64), stx_nlink, stx_uid, stx_gid (u32)…: uid at 20, gid at 24.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = System.Runtime.InteropServices.CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Statx(int dirfd, string pathname, int flags, uint mask, byte[] buffer);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _swapper.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Runner.StopAllAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _services.DisposeAsync();
        StationKey.Dispose();
        ForgerKey.Dispose();
        _stop.Dispose();
        _base.Dispose();
    }

    private sealed class Enrolled(AgentIdentity identity) : IAgentEnrolment
    {
        public bool StopHostWhenRefused => false;
        public Task<AgentIdentity> ObtainAsync(CancellationToken ct) => Task.FromResult(identity);
    }
}
