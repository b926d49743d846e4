using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Ccdsvm.Console.Cli;

/// <summary>A table column: its header and how a row shows it.</summary>
public sealed record Column(string Header, Func<JsonElement, string> Value)
{
    /// <summary>A column showing one JSON property as text.</summary>
    public static Column Of(string header, string property) => new(header, row => Output.Text(row, property));

    /// <summary>A time as people read it in a table, UTC to the second ("2026-12-06 05:10:13"); JSON keeps the full value.</summary>
    public static Column Time(string header, string property) => new(header, row =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : Output.Text(row, property));
}

/// <summary>Prints REST answers: json exactly as the station sent them, yaml from the same document, tables for people.</summary>
public static class Output
{
    public static void Print(Invocation inv, JsonElement document, IReadOnlyList<Column> columns, Func<JsonElement, string>? quietValue = null)
    {
        ArgumentNullException.ThrowIfNull(inv);
        ArgumentNullException.ThrowIfNull(columns);
        switch (inv.Format)
        {
            case OutputFormat.Json:
                System.Console.Out.WriteLine(JsonSerializer.Serialize(document, CliJson.Indented));
                return;
            case OutputFormat.Yaml:
                System.Console.Out.Write(Yaml(document));
                return;
        }
        var rows = document.ValueKind == JsonValueKind.Array ? document.EnumerateArray().ToList() : [document];
        if (inv.Quiet)
        {
            foreach (var row in rows) System.Console.Out.WriteLine((quietValue ?? columns[0].Value)(row));
            return;
        }
        if (rows.Count == 0)
        {
            inv.Note("(none)");
            return;
        }
        var table = new Table { Border = inv.Interactive ? TableBorder.Rounded : TableBorder.None };
        // Every column but the last keeps to one line (ids and states must never be squeezed away); the last wraps.
        for (int i = 0; i < columns.Count; i++) table.AddColumn(i < columns.Count - 1 ? new TableColumn(columns[i].Header).NoWrap() : new TableColumn(columns[i].Header));
        foreach (var row in rows) table.AddRow([.. columns.Select(c => new Text(c.Value(row)))]);
        inv.Out.Write(table);
    }

    /// <summary>One object as "name  value" lines, nested values as JSON.</summary>
    public static void PrintObject(Invocation inv, JsonElement document)
    {
        ArgumentNullException.ThrowIfNull(inv);
        if (inv.Format != OutputFormat.Table || document.ValueKind != JsonValueKind.Object)
        {
            Print(inv, document, [new Column("value", v => v.ToString())]);
            return;
        }
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var p in document.EnumerateObject())
            grid.AddRow(new Text(p.Name, new Style(decoration: Decoration.Bold)), new Text(Scalar(p.Value)));
        inv.Out.Write(grid);
    }

    public static string Text(JsonElement row, string property) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(property, out var v) ? Scalar(v) : "";

    public static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Array when v.GetArrayLength() == 0 => "",
        JsonValueKind.Array when v.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number) =>
            string.Join(", ", v.EnumerateArray().Select(Scalar)),
        _ => v.GetRawText(),
    };

    /// <summary>YAML for a JSON document (block style, strings quoted where YAML would read them otherwise).</summary>
    public static string Yaml(JsonElement document)
    {
        var sb = new StringBuilder();
        WriteYaml(sb, document, 0, inList: false);
        if (sb.Length == 0 || sb[^1] != '\n') sb.Append('\n');
        return sb.ToString();
    }

    private static void WriteYaml(StringBuilder sb, JsonElement v, int indent, bool inList)
    {
        string pad = new(' ', indent);
        switch (v.ValueKind)
        {
            case JsonValueKind.Object when v.EnumerateObject().Any():
                bool first = true;
                foreach (var p in v.EnumerateObject())
                {
                    sb.Append(first && inList ? "" : pad).Append(YamlKey(p.Name)).Append(':');
                    first = false;
                    WriteChild(sb, p.Value, indent + 2);
                }
                break;
            case JsonValueKind.Array when v.GetArrayLength() > 0:
                bool firstItem = true;
                foreach (var item in v.EnumerateArray())
                {
                    sb.Append(firstItem && inList ? "" : pad).Append("- ");
                    firstItem = false;
                    if (IsBlock(item)) WriteYaml(sb, item, indent + 2, inList: true);
                    else sb.Append(YamlScalar(item)).Append('\n');
                }
                break;
            default:
                sb.Append(YamlScalar(v)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder sb, JsonElement value, int indent)
    {
        if (IsBlock(value))
        {
            sb.Append('\n');
            WriteYaml(sb, value, indent, inList: false);
        }
        else sb.Append(' ').Append(YamlScalar(value)).Append('\n');
    }

    private static bool IsBlock(JsonElement v) =>
        (v.ValueKind == JsonValueKind.Object && v.EnumerateObject().Any()) || (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0);

    private static string YamlKey(string key) => key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? key : JsonSerializer.Serialize(key);

    private static string YamlScalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => v.GetRawText(),
        // JSON strings are valid YAML double-quoted scalars.
        _ => JsonSerializer.Serialize(v.GetString(), CliJson.Indented),
    };

    public static string Percent(double progress) => (progress * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
