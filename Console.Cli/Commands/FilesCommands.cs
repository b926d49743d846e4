using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>files ls|get|put</c> (and the task verbs of FilesCommands.Verbs.cs) and <c>move SRC DST</c>, with UNIT:PATH on the unit side.</summary>
public static partial class FilesCommands
{
    public static Command Files()
    {
        var dir = new Argument<string>("UNIT:PATH") { Description = "the directory to list, e.g. station:/srv/data" };
        var ls = new Command("ls", "List a directory on a unit (a view read: no task, no lock).") { dir };
        ls.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var at = UnitLocation.Parse(parse.GetValue(dir)!, "UNIT:PATH");
            using var client = inv.Open();
            var listing = await client.GetAsync($"api/v1/units/{Uri.EscapeDataString(at.Unit)}/entries?path={Uri.EscapeDataString(at.Path)}", token).ConfigureAwait(false);
            if (inv.Format != OutputFormat.Table) Output.Print(inv, listing, []);
            else Output.Print(inv, listing.GetProperty("entries"), [Column.Of("NAME", "name"), new Column("TYPE", EntryType), Column.Of("SIZE", "size"),
                Column.Of("MODE", "mode"), Column.Time("MODIFIED", "modified")]);
            return ExitCodes.Success;
        }));

        var source = new Argument<string>("UNIT:PATH") { Description = "the file to download, e.g. station:/srv/data/file.bin" };
        var local = new Argument<string>("LOCAL") { Description = "where to write it (a directory keeps the file's name)" };
        var get = new Command("get", "Download a file from a unit; prints its size and SHA-256.") { source, local };
        get.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var from = UnitLocation.Parse(parse.GetValue(source)!, "UNIT:PATH");
            string target = parse.GetValue(local)!;
            if (Directory.Exists(target)) target = Path.Combine(target, Path.GetFileName(from.Path));
            using var client = inv.Open();
            var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/units/{Uri.EscapeDataString(from.Unit)}/files?path={Uri.EscapeDataString(from.Path)}");
            using var response = await client.TransferAsync(request, token).ConfigureAwait(false);
            string part = target + ".part";
            long size;
            string sha;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                await using (var output = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
                await using (var input = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false))
                    size = await CopyAsync(inv, $"{from} → {target}", input, output, response.Content.Headers.ContentLength, hash, null, token).ConfigureAwait(false);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            File.Move(part, target, overwrite: true);
            Output.Print(inv, JsonSerializer.SerializeToElement(new { source = from.ToString(), path = Path.GetFullPath(target), size, sha256 = sha }),
                [Column.Of("PATH", "path"), Column.Of("SIZE", "size"), Column.Of("SHA256", "sha256")], r => Output.Text(r, "path"));
            return ExitCodes.Success;
        }));

        var put = Put();
        return new Command("files", "Files on units: list, download, upload, details, create directories, delete, rename, copy, permissions.")
        {
            ls, get, put,
            Stat(), Mkdir(), Rm(), SameUnit("mv", copy: false), SameUnit("cp", copy: true), Chmod(),
        };
    }

    /// <summary>The entry type in words, whether the station wrote it as a word or as the enum's number.</summary>
    private static string EntryType(JsonElement entry) =>
        entry.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.Number && Enum.IsDefined((FsEntryType)t.GetInt32())
            ? ((FsEntryType)t.GetInt32()).ToString().ToLowerInvariant()
            : Output.Text(entry, "type");

    /// <summary>Copies with a byte progress bar on a terminal (or nothing otherwise), hashing as it goes when asked.</summary>
    /// <param name="bytesPerSecond">a cap on the throughput (files put --bwlimit), or null for as fast as it goes</param>
    private static async Task<long> CopyAsync(Invocation inv, string label, Stream input, Stream output, long? length, IncrementalHash? hash,
        double? bytesPerSecond, CancellationToken ct)
    {
        var buffer = new byte[bytesPerSecond is { } cap ? (int)Math.Clamp(cap / 8, 4096, 1 << 20) : 1 << 20];
        long total = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task Loop(Action<long> report)
        {
            int n;
            while ((n = await input.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash?.AppendData(buffer, 0, n);
                await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                total += n;
                report(total);
                if (bytesPerSecond is { } rate && TimeSpan.FromSeconds(total / rate) - clock.Elapsed is { } ahead && ahead > TimeSpan.Zero)
                    await Task.Delay(ahead, ct).ConfigureAwait(false);
            }
        }
        if (!inv.LiveProgress)
        {
            await Loop(_ => { }).ConfigureAwait(false);
            return total;
        }
        await inv.Out.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask(Markup.Escape(label), maxValue: Math.Max(1, length ?? 1));
                bar.IsIndeterminate = length is null;
                await Loop(t => bar.Value = t).ConfigureAwait(false);
                bar.Value = bar.MaxValue;
            }).ConfigureAwait(false);
        return total;
    }

    public static Command Move()
    {
        var src = new Argument<string>("SRC") { Description = "UNIT:PATH to read, e.g. unit-a:/srv/big.iso" };
        var dst = new Argument<string>("DST") { Description = "UNIT:PATH to write; a path ending in / keeps the source's name" };
        var mode = new Option<string>("--mode") { Description = "copy keeps the source; move deletes it once the destination is verified", DefaultValueFactory = _ => "copy" };
        mode.AcceptOnlyFromAmong("copy", "move");
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing destination" };
        var bwlimit = new Option<double?>("--bwlimit") { Description = "cap the throughput, in MiB/s" };
        var noVerify = new Option<bool>("--no-verify") { Description = "skip comparing the SHA-256 of source and destination" };
        var detach = new Option<bool>("--detach", "-d") { Description = "print the task and return at once" };
        var cancelOnInterrupt = new Option<bool>("--cancel-on-interrupt") { Description = "Ctrl-C cancels the move (by default it only detaches)" };
        var command = new Command("move", "Copy or move a file or tree between units (data.move, unit to unit, SHA-256 verified); follows it to the end.")
        {
            src, dst, mode, overwrite, bwlimit, noVerify, detach, cancelOnInterrupt,
        };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var from = UnitLocation.Parse(parse.GetValue(src)!, "SRC");
            var to = UnitLocation.Parse(parse.GetValue(dst)!, "DST");
            if (to.Path.EndsWith('/')) to = to with { Path = to.Path + Path.GetFileName(from.Path.TrimEnd('/')) };
            var parameters = new Dictionary<string, object?>
            {
                ["source"] = new { unit = from.Unit, path = from.Path },
                ["destination"] = new { unit = to.Unit, path = to.Path },
                ["mode"] = parse.GetValue(mode),
            };
            if (parse.GetValue(overwrite)) parameters["overwrite"] = true;
            if (parse.GetValue(noVerify)) parameters["verify"] = false;
            if (parse.GetValue(bwlimit) is { } limit) parameters["bandwidthMiBps"] = limit;
            var json = JsonSerializer.SerializeToElement(parameters);
            if (DataMove.Contract.Check(json) is { } problem) throw new CliException(ExitCodes.Usage, problem);
            using var client = inv.Open();
            return await TaskCommands.SubmitAndFollowAsync(inv, client, DataMove.Contract.Kind, [to.Unit], _ => json,
                new TaskCommands.RunSettings(parse.GetValue(detach), null, parse.GetValue(cancelOnInterrupt)), token).ConfigureAwait(false);
        }));
        return command;
    }
}
