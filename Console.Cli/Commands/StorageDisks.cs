using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// <c>storage disks UNIT</c>: GET /api/v1/units/{id}/storage (no task, no lock) as a tree of disks, partitions and
/// file systems with size, use and mount points; -o json prints the REST answer as it came.
/// </summary>
public static class StorageDisks
{
    public static Command Disks()
    {
        var unit = new Argument<string>("UNIT") { Description = "the unit whose storage to show, e.g. station (see 'ccdsvm units list')" };
        var refresh = new Option<bool>("--refresh") { Description = "have the unit read its storage now instead of showing the station's last reading" };
        var command = new Command("disks", "A unit's disks, partitions, file systems (size, used, mount points) and RAID arrays, as the unit last reported them.") { unit, refresh };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string id = parse.GetValue(unit)!;
            using var client = inv.Open();
            JsonElement snapshot;
            try
            {
                snapshot = await client.GetAsync($"api/v1/units/{Uri.EscapeDataString(id)}/storage{(parse.GetValue(refresh) ? "?refresh=true" : "")}", token).ConfigureAwait(false);
            }
            catch (CliException ex) when (ex.ExitCode == ExitCodes.NotFound)
            {
                throw new CliException(ExitCodes.NotFound, $"unit '{id}' not found{Suggest.Hint(id, await ListCommands.UnitIdsAsync(client, token).ConfigureAwait(false), "units")}");
            }
            if (inv.Format != OutputFormat.Table)
            {
                Output.Print(inv, snapshot, []);
                return ExitCodes.Success;
            }
            Print(inv, snapshot);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(Invocation inv, JsonElement snapshot)
    {
        var storage = snapshot.GetProperty("storage");
        var rows = new List<(string Tree, JsonElement Disk)>();
        foreach (var disk in Items(storage, "disks")) Walk(disk, "", "", rows);
        if (inv.Quiet)
        {
            foreach (var (_, disk) in rows) System.Console.Out.WriteLine(Output.Text(disk, "path"));
            return;
        }
        var mounted = Items(storage, "fileSystems").GroupBy(f => Output.Text(f, "mountpoint")).ToDictionary(g => g.Key, g => g.First());
        if (snapshot.TryGetProperty("readAt", out var at) && at.TryGetDateTimeOffset(out var readAt))
            inv.Note($"storage of {Output.Text(snapshot, "unit")} as read at {readAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        if (rows.Count == 0)
        {
            inv.Note("(no block devices)");
            return;
        }
        var table = NewTable(inv, "NAME", "TYPE", "SIZE", "FSTYPE", "USED", "AVAIL", "MOUNTPOINTS");
        foreach (var (tree, disk) in rows)
        {
            var mounts = disk.TryGetProperty("mountPoints", out var m) && m.ValueKind == JsonValueKind.Array ? m.EnumerateArray().Select(Output.Scalar).ToList() : [];
            var fs = mounts.Select(p => mounted.GetValueOrDefault(p)).FirstOrDefault(f => f.ValueKind == JsonValueKind.Object);
            string used = "", avail = "";
            if (fs.ValueKind == JsonValueKind.Object)
            {
                long size = Number(fs, "sizeBytes"), free = Number(fs, "freeBytes");
                used = $"{ByteSize.Format(size - free)} ({(size > 0 ? 100.0 * (size - free) / size : 0).ToString("0", CultureInfo.InvariantCulture)}%)";
                avail = ByteSize.Format(Number(fs, "availableBytes"));
            }
            table.AddRow(new Text(tree + Output.Text(disk, "name")), new Text(Output.Text(disk, "type")), new Text(ByteSize.Format(Number(disk, "sizeBytes"))),
                new Text(Output.Text(disk, "fsType")), new Text(used), new Text(avail), new Text(string.Join(", ", mounts)));
        }
        inv.Out.Write(table);

        var arrays = Items(storage, "arrays");
        if (arrays.Count == 0) return;
        inv.Out.WriteLine();
        var raid = NewTable(inv, "ARRAY", "ENGINE", "LEVEL", "MEMBERS", "STATE", "MOUNTPOINT");
        foreach (var a in arrays)
            raid.AddRow(new Text(Output.Text(a, "name")), new Text(Output.Text(a, "engine")), new Text(Output.Text(a, "level")), new Text(Output.Text(a, "members")),
                new Text(a.TryGetProperty("degraded", out var d) && d.ValueKind == JsonValueKind.True ? "degraded" : "healthy"), new Text(Output.Text(a, "mountpoint")));
        inv.Out.Write(raid);
    }

    /// <summary>lsblk's tree: each child under its parent with ├─ and └─.</summary>
    private static void Walk(JsonElement disk, string prefix, string branch, List<(string, JsonElement)> rows)
    {
        rows.Add((prefix + branch, disk));
        var children = Items(disk, "children");
        string inner = prefix + (branch.Length == 0 ? "" : branch == "└─" ? "  " : "│ ");
        for (int i = 0; i < children.Count; i++) Walk(children[i], inner, i == children.Count - 1 ? "└─" : "├─", rows);
    }

    private static Table NewTable(Invocation inv, params string[] headers)
    {
        var table = new Table { Border = inv.Interactive ? TableBorder.Rounded : TableBorder.None };
        for (int i = 0; i < headers.Length; i++) table.AddColumn(i < headers.Length - 1 ? new TableColumn(headers[i]).NoWrap() : new TableColumn(headers[i]));
        return table;
    }

    private static List<JsonElement> Items(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];

    private static long Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : 0;
}
