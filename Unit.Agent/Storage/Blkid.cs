namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>Probes a device's file system directly (blkid -p), bypassing blkid's cache.</summary>
public static class Blkid
{
    public static async Task<IReadOnlyDictionary<string, string>> ProbeAsync(string device, CancellationToken ct)
    {
        var output = await Tool.ProbeAsync("blkid", ["-p", "-o", "export", device], ct).ConfigureAwait(false);
        return output.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
    }
}
