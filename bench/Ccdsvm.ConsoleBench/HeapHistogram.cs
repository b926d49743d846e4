using System.Text.Json.Nodes;
using Microsoft.Diagnostics.Runtime;

namespace Ccdsvm.ConsoleBench;

/// <summary>
/// The station's managed heap by type (ClrMD, the process suspended while it is read), taken right after an induced full
/// GC so that nearly every object counted is alive; two of them subtracted show which types a set of circuits added.
/// </summary>
public sealed class HeapHistogram
{
    private readonly Dictionary<string, (long Count, long Bytes)> _byType = new(StringComparer.Ordinal);

    public static HeapHistogram Take(int pid)
    {
        var h = new HeapHistogram();
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        foreach (var obj in runtime.Heap.EnumerateObjects())
        {
            if (!obj.IsValid || obj.IsFree) continue;
            string name = obj.Type?.Name ?? "?";
            var (count, bytes) = h._byType.GetValueOrDefault(name);
            h._byType[name] = (count + 1, bytes + (long)obj.Size);
        }
        return h;
    }

    /// <summary>The <paramref name="top"/> types that grew most from <paramref name="from"/> to this one, per circuit.</summary>
    public JsonArray GrowthSince(HeapHistogram from, int circuits, int top = 15)
    {
        var rows = _byType.Select(kv =>
        {
            var (c0, b0) = from._byType.GetValueOrDefault(kv.Key);
            return (Type: kv.Key, Count: kv.Value.Count - c0, Bytes: kv.Value.Bytes - b0);
        }).OrderByDescending(r => r.Bytes).Take(top);
        return [.. rows.Select(r => (JsonNode)new JsonObject
        {
            ["type"] = r.Type.Length > 140 ? r.Type[..140] : r.Type,
            ["objectsPerCircuit"] = Math.Round((double)r.Count / circuits, 1),
            ["bytesPerCircuit"] = r.Bytes / circuits,
        })];
    }
}

/// <summary>The managed stacks of every thread of a process (ClrMD, suspended while read): where a stalled station waits.</summary>
public static class ThreadStacks
{
    public static string Dump(int pid)
    {
        var text = new System.Text.StringBuilder();
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        foreach (var thread in runtime.Threads)
        {
            var frames = thread.EnumerateStackTrace().Take(40).Select(f => f.ToString()).Where(f => f is { Length: > 0 }).ToList();
            if (frames.Count == 0) continue;
            text.Append("thread ").Append(thread.ManagedThreadId).Append(" (os ").Append(thread.OSThreadId).AppendLine("):");
            foreach (var f in frames) text.AppendLine("  " + f);
        }
        return text.ToString();
    }
}
