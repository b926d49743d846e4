using System.Text.Json;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Detaches the loop devices a test attached, and only while they still stand for that test's image: a loop number
/// freed early (the agent or the test itself let it go) may already belong to another test running beside, and a
/// blind <c>losetup --detach /dev/loopN</c> in a finally block would pull that test's disk from under it.
/// </summary>
public static class HostLoops
{
    /// <summary>The agent's partition loops over <paramref name="device"/> first, then every loop over <paramref name="image"/> (the disk among them).</summary>
    public static async Task DetachAsync(string device, string image)
    {
        var loops = await ListAsync();
        string realImage = await RealPathAsync(image);
        bool Ours(string backFile) => backFile == image || backFile == realImage;
        bool deviceIsOurs = loops.Any(l => l.Name == device && Ours(l.BackFile));
        if (deviceIsOurs)
            foreach (var loop in loops.Where(l => l.BackFile == device))
                await HostTool.RunAsync("losetup", ["--detach", loop.Name], check: false);
        foreach (var loop in loops.Where(l => Ours(l.BackFile)))
            await HostTool.RunAsync("losetup", ["--detach", loop.Name], check: false);
    }

    /// <summary>Detaches <paramref name="device"/> if it is still backed by <paramref name="backFile"/>.</summary>
    public static async Task DetachIfBackedByAsync(string device, string backFile)
    {
        string real = await RealPathAsync(backFile);
        if ((await ListAsync()).Any(l => l.Name == device && (l.BackFile == backFile || l.BackFile == real)))
            await HostTool.RunAsync("losetup", ["--detach", device], check: false);
    }

    private static async Task<List<(string Name, string BackFile)>> ListAsync()
    {
        string json = await HostTool.RunAsync("losetup", ["-J", "-O", "NAME,BACK-FILE"], check: false);
        if (string.IsNullOrWhiteSpace(json)) return [];
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("loopdevices", out var list)) return [];
        return list.EnumerateArray()
            .Select(d => (d.GetProperty("name").GetString() ?? "", Trim(d.GetProperty("back-file").GetString() ?? "")))
            .ToList();
    }

    /// <summary>The kernel shows a removed backing file with " (deleted)" after its name.</summary>
    private static string Trim(string backFile) =>
        backFile.EndsWith(" (deleted)", StringComparison.Ordinal) ? backFile[..^" (deleted)".Length] : backFile;

    private static async Task<string> RealPathAsync(string path) => (await HostTool.RunAsync("realpath", ["-m", path], check: false)).Trim();
}
