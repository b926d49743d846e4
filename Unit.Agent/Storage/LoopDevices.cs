using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>One loop device; <paramref name="AutoClear"/> is set once a detach was asked for while something still holds it open.</summary>
public sealed record LoopDevice(string Name, string? BackFile, long Offset, long SizeLimit, bool AutoClear = false);

/// <summary>The unit's loop devices as losetup lists them.</summary>
public static class LoopDevices
{
    public static async Task<IReadOnlyList<LoopDevice>> ListAsync(CancellationToken ct)
    {
        var output = await Tool.ProbeAsync("losetup", ["--list", "--json"], ct).ConfigureAwait(false);
        if (output.ExitCode != 0 || string.IsNullOrWhiteSpace(output.StdOut)) return [];
        using var doc = JsonDocument.Parse(output.StdOut);
        if (!doc.RootElement.TryGetProperty("loopdevices", out var arr)) return [];
        return arr.EnumerateArray().Select(e => new LoopDevice(
            e.GetProperty("name").GetString()!,
            e.TryGetProperty("back-file", out var b) ? b.GetString()?.Replace(" (deleted)", "", StringComparison.Ordinal) : null,
            Long(e, "offset"),
            Long(e, "sizelimit"),
            e.TryGetProperty("autoclear", out var a) && (a.ValueKind == JsonValueKind.True || (a.ValueKind == JsonValueKind.String && a.GetString() is "1" or "true")))).ToList();
    }

    private static long Long(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) ? 0
        : v.ValueKind == JsonValueKind.Number ? v.GetInt64()
        : long.TryParse(v.GetString(), out var n) ? n : 0;
}
