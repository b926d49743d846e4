using System.Globalization;
using System.Text.Json.Nodes;
using Ccdsvm.Console.Blazor.Services;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks.Fields;

/// <summary>
/// Edits storage.partition's partitions as rows (size in MiB or the rest, type, name) and draws them on a bar of
/// the chosen disk, so what will be written is seen before it is: the sizes, what is left free, and a partition that
/// does not fit in red. The value is the JSON array the kind's contract reads.
/// </summary>
public sealed partial class PartitionEditor : ComponentBase
{
    private const long Mi = 1L << 20;
    private const int MaxRows = 128;

    private List<PartRow> _rows = [new("", true, "linux", "")];
    private string? _emitted;

    /// <summary>One row as typed: <see cref="Size"/> in MiB unless <see cref="Rest"/>.</summary>
    private sealed record PartRow(string Size, bool Rest, string Type, string Name);

    [Parameter] public string? Value { get; set; }
    [Parameter] public EventCallback<string?> ValueChanged { get; set; }
    /// <summary>The chosen disk's size; null when unknown (no disk chosen, or none in the inventory).</summary>
    [Parameter] public long? DiskBytes { get; set; }
    [Parameter] public string? Table { get; set; }
    [Parameter, EditorRequired] public string TestId { get; set; } = "";

    protected override void OnParametersSet()
    {
        if (Value == _emitted) return;
        _rows = Parse(Value) ?? _rows;
        _emitted = Value;
    }

    private long UsableMiB => DiskBytes is { } b ? PartitionFit.UsableMiB(b, Table) : FixedMiB;

    private long FixedMiB => _rows.Where(r => !r.Rest).Sum(r => MiB(r) ?? 0);

    private long FreeMiB => UsableMiB - FixedMiB;

    private bool HasRest => _rows.Any(r => r.Rest);

    private static long? MiB(PartRow r) => long.TryParse(r.Size, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m >= 1 ? m : null;

    /// <summary>A row's share of the bar, and whether it lies (partly) past the end of the disk.</summary>
    private (double Percent, bool Over) Share(int i)
    {
        long usable = Math.Max(1, UsableMiB);
        long before = _rows.Take(i).Where(r => !r.Rest).Sum(r => MiB(r) ?? 0);
        if (_rows[i].Rest) return (100.0 * Math.Max(0, usable - before) / usable, before >= usable);
        long size = MiB(_rows[i]) ?? 0;
        double percent = Math.Min(100.0 * size / usable, Math.Max(0, 100.0 - 100.0 * before / usable));
        return (Math.Max(percent, size > 0 ? 1 : 0), before + size > usable);
    }

    private string SizeText(int i) => _rows[i].Rest
        ? (DiskBytes is null ? "rest" : $"rest ({Sizes.Both(Math.Max(0, FreeMiB) * Mi)})")
        : MiB(_rows[i]) is { } m ? Sizes.Both(m * Mi) : "size?";

    private string Types(int i) => _rows[i].Name is { Length: > 0 } n ? $"{_rows[i].Type} “{n}”" : _rows[i].Type;

    private string RowText(int i) => $"partition {i + 1}: {SizeText(i)}, {Types(i)}";

    /// <summary>What is wrong with the layout as drawn, or null; the station checks the same rules and the disk again.</summary>
    private string? Problem =>
        _rows.Select((r, i) => (r, i)).FirstOrDefault(x => !x.r.Rest && MiB(x.r) is null) is { r: not null } bad ? $"partition {bad.i + 1}: give a size of at least 1 MiB, or tick rest"
        : DiskBytes is { } disk && PartitionFit.Problem(FixedMiB, HasRest, disk, Table) is { } fit ? fit
        : Table == "msdos" && _rows.Count > 4 ? "an msdos table holds at most 4 partitions: choose gpt for more"
        : null;

    private string Summary => DiskBytes is null
        ? $"{_rows.Count} partition{(_rows.Count == 1 ? "" : "s")}"
        : $"{_rows.Count} partition{(_rows.Count == 1 ? "" : "s")} on {Sizes.Both(DiskBytes.Value)}" + (HasRest ? "" : $" · {Sizes.Both(Math.Max(0, FreeMiB) * Mi)} left free");

    private static string Percent(double p) => p.ToString("0.###", CultureInfo.InvariantCulture) + "%";

    private Task Change(int index, Func<PartRow, PartRow> change)
    {
        _rows[index] = change(_rows[index]);
        return EmitAsync();
    }

    private Task SetSize(int index, ChangeEventArgs e) => Change(index, r => r with { Size = e.Value?.ToString() ?? "" });

    private Task SetType(int index, ChangeEventArgs e) => Change(index, r => r with { Type = e.Value?.ToString() ?? "linux" });

    private Task SetName(int index, ChangeEventArgs e) => Change(index, r => r with { Name = e.Value?.ToString() ?? "" });

    private Task Add()
    {
        // A new row goes last and takes the rest; the row before it gets a size instead (half of what was left).
        int last = _rows.Count - 1;
        if (_rows[last].Rest)
            _rows[last] = _rows[last] with { Rest = false, Size = Math.Max(1, FreeMiB / 2).ToString(CultureInfo.InvariantCulture) };
        _rows.Add(new("", true, "linux", ""));
        return EmitAsync();
    }

    private Task Remove(int index)
    {
        _rows.RemoveAt(index);
        // Only the last row may take the rest.
        for (int i = 0; i < _rows.Count - 1; i++)
            if (_rows[i].Rest) _rows[i] = _rows[i] with { Rest = false, Size = Math.Max(1, FreeMiB).ToString(CultureInfo.InvariantCulture) };
        return EmitAsync();
    }

    private Task EmitAsync()
    {
        var array = new JsonArray();
        foreach (var r in _rows)
        {
            var item = new JsonObject { ["sizeMiB"] = r.Rest ? JsonValue.Create("rest") : MiB(r) is { } m ? JsonValue.Create(m) : JsonValue.Create(r.Size), ["type"] = r.Type };
            if (Table == "gpt" && r.Name.Length > 0) item["name"] = r.Name;
            array.Add(item);
        }
        _emitted = array.ToJsonString();
        return ValueChanged.InvokeAsync(_emitted);
    }

    /// <summary>Rows from the JSON value (the form's start value); null when it is not an array of partitions.</summary>
    private static List<PartRow>? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            if (JsonNode.Parse(json) is not JsonArray array || array.Count == 0) return null;
            return [.. array.OfType<JsonObject>().Select(o =>
            {
                var size = o["sizeMiB"];
                bool rest = size is JsonValue v && v.TryGetValue<string>(out var s) && s == "rest";
                string sizeText = rest || size is null ? "" : size.ToJsonString().Trim('"');
                string type = o["type"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : "linux";
                string name = o["name"] is JsonValue n && n.TryGetValue<string>(out var ns) ? ns : "";
                return new PartRow(sizeText, rest, type, name);
            })];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
