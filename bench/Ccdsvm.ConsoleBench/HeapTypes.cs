using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;

namespace Ccdsvm.ConsoleBench;

/// <summary>
/// Where a circuit's memory goes, by type: a heap dump of the station at two points (the runtime writes it, as dotnet-dump
/// does), and the difference of the objects alive in each, by type, largest first. Only objects reachable from a root count
/// (the dump's garbage is not the circuits' cost). Read from the dump files, not from the running station.
/// </summary>
public static class HeapTypes
{
    public static void Dump(int pid, string path) => new DiagnosticsClient(pid).WriteDump(DumpType.WithHeap, path, logDumpGeneration: false);

    /// <summary>Per type name: (objects, bytes) of the objects reachable from the roots.</summary>
    public static Dictionary<string, (long Count, long Bytes)> Live(string dump)
    {
        using var target = DataTarget.LoadDump(dump);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var heap = runtime.Heap;
        var seen = new HashSet<ulong>();
        var stack = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
            if (root.Object.Address != 0 && seen.Add(root.Object.Address)) stack.Push(root.Object.Address);
        var stats = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        while (stack.Count > 0)
        {
            var obj = heap.GetObject(stack.Pop());
            if (!obj.IsValid || obj.Type is null) continue;
            string name = obj.Type.Name ?? "?";
            var (count, bytes) = stats.GetValueOrDefault(name);
            stats[name] = (count + 1, bytes + (long)obj.Size);
            foreach (var reference in obj.EnumerateReferenceAddresses(carefully: true))
                if (reference != 0 && seen.Add(reference)) stack.Push(reference);
        }
        return stats;
    }

    /// <summary>The types whose live bytes grew most from <paramref name="before"/> to <paramref name="after"/>, per <paramref name="per"/> (circuits).</summary>
    public static string Diff(string before, string after, int per, int top)
    {
        var a = Live(before);
        var b = Live(after);
        var rows = b.Keys.Union(a.Keys)
            .Select(t => (Type: t, Count: b.GetValueOrDefault(t).Count - a.GetValueOrDefault(t).Count, Bytes: b.GetValueOrDefault(t).Bytes - a.GetValueOrDefault(t).Bytes))
            .OrderByDescending(r => r.Bytes).ToList();
        var text = new StringBuilder();
        long total = rows.Sum(r => r.Bytes);
        text.AppendLine(CultureInfo.InvariantCulture, $"live bytes: {a.Values.Sum(v => v.Bytes):N0} -> {b.Values.Sum(v => v.Bytes):N0}; growth {total:N0} = {total / 1024.0 / per:N1} KiB per {(per == 1 ? "dump" : "circuit")}");
        text.AppendLine("KiB/circuit  objects/circuit  type");
        foreach (var r in rows.Take(top))
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Bytes / 1024.0 / per,11:N2}  {r.Count / (double)per,15:N1}  {r.Type}");
        return text.ToString();
    }

    /// <summary>
    /// Per component type in a dump: how many, and the bytes of their render tree frame arrays (the current and the next
    /// tree each component keeps), per <paramref name="per"/> (circuits). Field names are the framework's own (ComponentState,
    /// RenderTreeBuilder, ArrayBuilder).
    /// </summary>
    public static string Components(string dump, int per, int top)
    {
        using var target = DataTarget.LoadDump(dump);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var rows = new Dictionary<string, (long Count, long Bytes, long Frames)>(StringComparer.Ordinal);
        foreach (var state in runtime.Heap.EnumerateObjects())
        {
            if (state.Type?.Name is not ("Microsoft.AspNetCore.Components.Server.Circuits.RemoteComponentState" or "Microsoft.AspNetCore.Components.Rendering.ComponentState")) continue;
            string component = state.ReadObjectField("<Component>k__BackingField") is { IsNull: false } c ? c.Type?.Name ?? "?" : "?";
            long bytes = 0, frames = 0;
            foreach (var field in new[] { "<CurrentRenderTree>k__BackingField", "_nextRenderTree" })
            {
                if (state.Type.GetFieldByName(field) is null) continue;
                var builder = state.ReadObjectField(field);
                if (builder.IsNull || builder.Type?.GetFieldByName("_entries") is null) continue;
                var entries = builder.ReadObjectField("_entries");
                if (entries.IsNull || entries.Type?.GetFieldByName("_items") is null) continue;
                var items = entries.ReadObjectField("_items");
                if (!items.IsNull) bytes += (long)items.Size;
                frames += entries.ReadField<int>("_itemsInUse");
            }
            var (n, b, f) = rows.GetValueOrDefault(component);
            rows[component] = (n + 1, b + bytes, f + frames);
        }
        var text = new StringBuilder();
        text.AppendLine("KiB/circuit  components/circuit  frames in use/circuit  component");
        foreach (var (name, (n, b, f)) in rows.OrderByDescending(r => r.Value.Bytes).Take(top))
            text.AppendLine(CultureInfo.InvariantCulture, $"{b / 1024.0 / per,11:N2}  {n / (double)per,18:N1}  {f / (double)per,21:N1}  {name}");
        return text.ToString();
    }
}
