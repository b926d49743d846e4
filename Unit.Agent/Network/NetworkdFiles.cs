using System.Globalization;
using System.Text;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// A confirmed net.configure change written as systemd-networkd configuration, so it outlives a reboot: one
/// <c>50-ccdsvm-&lt;name&gt;.network</c> per interface the change touched, describing the interface as it is after the
/// change (its global addresses, MTU, default gateway and routes, DNS servers, the VLANs on it, the bond or bridge it
/// is a port of, down when it was set down), and a <c>.netdev</c> beside it for a VLAN, bond or bridge, which networkd
/// creates at boot. An interface the change deleted loses its files, and the other files stop naming it. Each file is
/// written whole (a temporary file, then renamed, mode 0644); if one cannot be written, every file already written is
/// put back as it was, so the directory holds either the whole change or none of it.
/// </summary>
public sealed class NetworkdFiles(string directory)
{
    public const string Prefix = "50-ccdsvm-";

    /// <summary>Route protocols the kernel or a DHCP/RA client made: they follow the addresses and are not written.</summary>
    private static readonly string[] Derived = ["kernel", "dhcp", "ra", "redirect"];

    private static readonly string[] Creatable = ["vlan", "bond", "bridge"];

    public string PathOf(string name, string extension) => System.IO.Path.Combine(directory, $"{Prefix}{name}.{extension}");

    /// <summary>Writes the files of the change; returns what was written or removed, or throws (having put every file back) when a file cannot be written.</summary>
    public IReadOnlyList<NetSaved> Write(NetConfigureParameters p, NetSnapshot after, IReadOnlyList<string> touched, long taskId)
    {
        System.IO.Directory.CreateDirectory(directory);
        var deleted = p.Interfaces.Where(c => c.Delete == true).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var byName = after.Network.Interfaces.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var writes = new List<(string Path, string? Text, NetSaved Saved)>();
        foreach (var name in touched.Where(n => !deleted.Contains(n) && byName.ContainsKey(n)))
        {
            var i = byName[name];
            var network = Network(i, after, p.Dns ?? DnsOf(PathOf(name, "network")), taskId);
            writes.Add((PathOf(name, "network"), Text(network), new NetSaved(name, PathOf(name, "network"), Settings(network))));
            if (Netdev(i) is { } netdev)
                writes.Add((PathOf(name, "netdev"), Text(netdev), new NetSaved(name, PathOf(name, "netdev"), Settings(netdev))));
        }
        foreach (var name in deleted)
            foreach (var extension in new[] { "network", "netdev" })
                if (File.Exists(PathOf(name, extension)))
                    writes.Add((PathOf(name, extension), null, new NetSaved(name, PathOf(name, extension), [], Removed: true)));
        // The files of other interfaces that still name a deleted one (VLAN=, Bond=, Bridge=): networkd would wait for it.
        var written = writes.Select(w => w.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Others(written))
        {
            var lines = File.ReadAllLines(file);
            var kept = lines.Where(l => !deleted.Any(d => IsReference(l, d))).ToArray();
            if (kept.Length != lines.Length)
                writes.Add((file, string.Join('\n', kept) + "\n", new NetSaved(NameOf(file), file, [.. lines.Except(kept, StringComparer.Ordinal).Select(l => "removed " + l.Trim())])));
        }
        Apply(writes.Select(w => (w.Path, w.Text)).ToList());
        return [.. writes.Select(w => w.Saved)];
    }

    private IEnumerable<string> Others(HashSet<string> written) =>
        System.IO.Directory.EnumerateFiles(directory, Prefix + "*.network").Where(f => !written.Contains(f)).Order(StringComparer.Ordinal);

    private static string NameOf(string file) => System.IO.Path.GetFileNameWithoutExtension(file)[Prefix.Length..];

    private static bool IsReference(string line, string name)
    {
        var t = line.Trim();
        return t == "VLAN=" + name || t == "Bond=" + name || t == "Bridge=" + name;
    }

    /// <summary>The DNS= servers of the file being replaced: a change that names no DNS servers keeps them.</summary>
    private static List<string> DnsOf(string file)
    {
        if (!File.Exists(file)) return [];
        return [.. File.ReadLines(file).Select(l => l.Trim()).Where(l => l.StartsWith("DNS=", StringComparison.Ordinal)).Select(l => l[4..])];
    }

    private static List<(string Section, List<string> Lines)> Network(NetInterface i, NetSnapshot after, IReadOnlyList<string> dns, long taskId)
    {
        var sections = new List<(string, List<string>)> { ("Match", new List<string> { $"Name={i.Name}" }) };
        var link = new List<string> { "MTUBytes=" + i.Mtu.ToString(CultureInfo.InvariantCulture) };
        if (!after.AdminUp.Contains(i.Name)) link.Add("ActivationPolicy=down");
        sections.Add(("Link", link));
        var network = new List<string> { $"Description=written by the CCDSVM agent for net.configure task {taskId.ToString(CultureInfo.InvariantCulture)}" };
        // A leased address is not pinned: the file asks for a lease again (DHCP for IPv4, router advertisements for IPv6).
        var global = i.Addresses.Where(a => a.Scope == "global").ToList();
        if (global.Any(a => a is { Dynamic: true, Family: "inet" })) network.Add("DHCP=ipv4");
        if (global.Any(a => a is { Dynamic: true, Family: "inet6" })) network.Add("IPv6AcceptRA=yes");
        network.AddRange(global.Where(a => a.Dynamic != true).Select(a => $"Address={a.Address}/{a.Prefix.ToString(CultureInfo.InvariantCulture)}"));
        var routes = after.Network.Routes.Where(r => r.Device == i.Name && !Derived.Contains(r.Protocol ?? "", StringComparer.Ordinal)).ToList();
        network.AddRange(routes.Where(r => r is { Destination: "default", Gateway: not null }).Select(r => "Gateway=" + r.Gateway));
        if (global.Count > 0) network.AddRange(dns.Select(d => "DNS=" + d));
        network.AddRange(after.Network.Interfaces.Where(v => v.Kind == "vlan" && v.Parent == i.Name).Select(v => "VLAN=" + v.Name).Order(StringComparer.Ordinal));
        if (i.Master is { } master && after.Network.Interfaces.FirstOrDefault(m => m.Name == master)?.Kind is "bond" or "bridge")
            network.Add((after.Network.Interfaces.First(m => m.Name == master).Kind == "bond" ? "Bond=" : "Bridge=") + master);
        sections.Add(("Network", network));
        foreach (var r in routes.Where(r => r.Destination != "default"))
        {
            var route = new List<string> { $"Destination={r.Destination}" };
            if (r.Gateway is not null) route.Add($"Gateway={r.Gateway}");
            sections.Add(("Route", route));
        }
        return sections;
    }

    private static List<(string Section, List<string> Lines)>? Netdev(NetInterface i)
    {
        if (i.Kind is null || !Creatable.Contains(i.Kind, StringComparer.Ordinal)) return null;
        var sections = new List<(string, List<string>)> { ("NetDev", new List<string> { $"Name={i.Name}", $"Kind={i.Kind}", "MTUBytes=" + i.Mtu.ToString(CultureInfo.InvariantCulture) }) };
        if (i is { Kind: "vlan", VlanId: { } id }) sections.Add(("VLAN", new List<string> { "Id=" + id.ToString(CultureInfo.InvariantCulture) }));
        if (i is { Kind: "bond", BondMode: { } mode }) sections.Add(("Bond", new List<string> { "Mode=" + mode }));
        return sections;
    }

    private static string Text(List<(string Section, List<string> Lines)> sections)
    {
        var sb = new StringBuilder("# Written by the CCDSVM agent (net.configure); the next change of this interface replaces it.\n");
        foreach (var (section, lines) in sections)
        {
            sb.Append('\n').Append('[').Append(section).Append("]\n");
            foreach (var line in lines) sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    private static List<string> Settings(List<(string Section, List<string> Lines)> sections) =>
        [.. sections.Where(s => s.Section != "Match").SelectMany(s => s.Lines).Where(l => !l.StartsWith("Description=", StringComparison.Ordinal))];

    /// <summary>Writes (or, text null, removes) every file; on a failure puts back those already done and throws.</summary>
    private static void Apply(List<(string Path, string? Text)> writes)
    {
        var before = writes.Select(w => (w.Path, Text: File.Exists(w.Path) ? File.ReadAllText(w.Path) : null)).ToList();
        int done = 0;
        try
        {
            for (; done < writes.Count; done++) Put(writes[done].Path, writes[done].Text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var left = new List<string>();
            for (int k = done; k >= 0; k--)
            {
                try { Put(before[k].Path, before[k].Text); }
                catch (Exception again) when (again is IOException or UnauthorizedAccessException) { left.Add($"{before[k].Path}: {again.Message}"); }
            }
            throw new TaskFailureException($"writing {writes[done].Path} failed ({ex.Message}); "
                + (left.Count == 0 ? "the files written before it were put back as they were" : "putting the files back failed too: " + string.Join("; ", left)), ex);
        }
    }

    /// <summary>The file made whole under a temporary name and renamed over the old one (mode 0644), or removed.</summary>
    public static void Put(string path, string? text)
    {
        if (text is null)
        {
            File.Delete(path);
            return;
        }
        string temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "." + System.IO.Path.GetFileName(path) + ".tmp");
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            // The umask may have taken bits off the create mode.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, mode);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
