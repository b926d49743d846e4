using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// Where net.configure works: the unit's own network, or a named network namespace (<c>ip -n</c>) with its own
/// resolv.conf, which is what the tests use so they never touch the host's real interfaces.
/// </summary>
public sealed record NetHost(string? Namespace = null, string ResolvConf = "/etc/resolv.conf")
{
    public static NetHost Default { get; } = new();

    public NetReader Reader() => new(Namespace, ResolvConf);

    /// <summary>Runs <c>ip</c> with <paramref name="args"/>; a non-zero exit becomes a <see cref="TaskFailureException"/> with ip's own words.</summary>
    public async Task<string> IpAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var output = await ProcessRunner.RunAsync("ip", Namespace is null ? args : ["-n", Namespace, .. args], ct, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            string said = string.IsNullOrWhiteSpace(output.StdErr) ? output.StdOut.Trim() : output.StdErr.Trim();
            throw new TaskFailureException($"'ip {string.Join(' ', args)}' failed: {(said.Length > 500 ? said[..500] + "…" : said)}");
        }
        return output.StdOut;
    }

    /// <summary>The DNS servers written into resolv.conf: its nameserver lines replaced, every other line kept.</summary>
    public void WriteDns(IReadOnlyList<string> servers)
    {
        var kept = File.Exists(ResolvConf)
            ? File.ReadAllLines(ResolvConf).Where(l => !l.TrimStart().StartsWith("nameserver", StringComparison.Ordinal))
            : Enumerable.Empty<string>();
        File.WriteAllLines(ResolvConf, kept.Concat(servers.Select(s => "nameserver " + s)).ToArray());
    }

    public string? ReadResolvConf() => File.Exists(ResolvConf) ? File.ReadAllText(ResolvConf) : null;

    public void RestoreResolvConf(string? text)
    {
        if (text is null) { if (File.Exists(ResolvConf)) File.Delete(ResolvConf); }
        else if (ReadResolvConf() != text) File.WriteAllText(ResolvConf, text);
    }
}
