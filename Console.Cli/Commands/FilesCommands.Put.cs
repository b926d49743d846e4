using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>files put</c>: a resumable upload (PUT /api/v1/units/{id}/files, GET …/files/partial to resume).</summary>
public static partial class FilesCommands
{
    private const string PutHelp = """
        Upload a file to a unit; prints what the unit wrote (path, size, SHA-256 of the whole file).
        The unit writes the bytes under a hidden temporary name beside the target (.NAME.ccdsvm-part); the file appears
        under its own name only once it is complete. When an upload breaks (the connection drops, Ctrl-C, the process is
        killed), the unit keeps what arrived under that hidden name: run the same command again with --resume to ask the
        unit how much arrived and send only the rest. A resume reads the local file once to hash it, and the unit moves the
        file into place only when the whole of it (kept part and rest) has that SHA-256. A put without --resume starts
        over and replaces any kept part.
        """;

    /// <summary>How long --resume waits for an earlier upload to the same path that the unit is still receiving to end.</summary>
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(30);

    private static Command Put()
    {
        var file = new Argument<string>("LOCAL") { Description = "the local file to upload" };
        var dest = new Argument<string>("UNIT:PATH") { Description = "where to write it on the unit (a path ending in / keeps the file's name)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing file" };
        var resume = new Option<bool>("--resume") { Description = "continue an interrupted upload of this file to this path: send only what the unit does not hold yet (starts from the beginning when it holds nothing)" };
        var bwlimit = new Option<double?>("--bwlimit") { Description = "cap the upload's throughput, in MiB/s" };
        var put = new Command("put", PutHelp) { file, dest, overwrite, resume, bwlimit };
        put.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string localFile = parse.GetValue(file)!;
            if (!File.Exists(localFile)) throw new CliException(ExitCodes.Usage, $"'{localFile}' does not exist or is not a file");
            var to = UnitLocation.Parse(parse.GetValue(dest)!, "UNIT:PATH");
            if (to.Path.EndsWith('/')) to = to with { Path = to.Path + Path.GetFileName(localFile) };
            double? limit = parse.GetValue(bwlimit);
            if (limit is <= 0 or double.NaN) throw new CliException(ExitCodes.Usage, $"--bwlimit {limit}: give MiB/s above 0, e.g. --bwlimit 20");
            using var client = inv.Open();
            long length = new FileInfo(localFile).Length;
            long offset = parse.GetValue(resume) ? await ResumeOffsetAsync(inv, client, to, length, token).ConfigureAwait(false) : 0;
            string? wholeSha = null;
            if (offset > 0)
            {
                wholeSha = await HashFileAsync(localFile, token).ConfigureAwait(false);
                inv.Note($"resuming the upload to {to} at byte {offset.ToString(CultureInfo.InvariantCulture)} of {length.ToString(CultureInfo.InvariantCulture)}: " +
                    $"sending the remaining {(length - offset).ToString(CultureInfo.InvariantCulture)} bytes");
            }
            try
            {
                return await SendAsync(inv, client, localFile, to, new PutPlan(length, offset, wholeSha, parse.GetValue(overwrite), limit * (1 << 20)), token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException || ex is CliException { ExitCode: ExitCodes.Unreachable })
            {
                inv.Note($"ccdsvm: the upload to {to} did not finish; the unit keeps what arrived (never under the final name): " +
                    $"run 'ccdsvm files put {localFile} {to} --resume' to send only the rest");
                throw;
            }
        }));
        return put;
    }

    /// <summary>What one PUT sends: the file's length, where it starts, the whole file's SHA-256 for a resume, and the throughput cap in bytes/s.</summary>
    private sealed record PutPlan(long Length, long Offset, string? WholeSha, bool Overwrite, double? BytesPerSecond);

    private static async Task<int> SendAsync(Invocation inv, StationClient client, string localFile, UnitLocation to, PutPlan plan, CancellationToken token)
    {
        await using var input = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        input.Seek(plan.Offset, SeekOrigin.Begin);
        long rest = plan.Length - plan.Offset;
        var pipe = new System.IO.Pipelines.Pipe();
        var content = new StreamContent(pipe.Reader.AsStream(), 1 << 20);
        content.Headers.ContentLength = rest;
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        string query = $"path={Uri.EscapeDataString(to.Path)}&overwrite={(plan.Overwrite ? "true" : "false")}&resumable=true"
            + (plan.Offset > 0 ? $"&offset={plan.Offset.ToString(CultureInfo.InvariantCulture)}&sha256={plan.WholeSha}" : "");
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/units/{Uri.EscapeDataString(to.Unit)}/files?{query}") { Content = content };
        // A fresh upload is hashed while it is sent; a resume was hashed whole before, and the unit checks that hash.
        using var hash = plan.Offset == 0 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var feeding = Task.Run(async () =>
        {
            await using var writer = pipe.Writer.AsStream();
            try { await CopyAsync(inv, $"{localFile} → {to}", input, writer, rest, hash, plan.BytesPerSecond, stop.Token).ConfigureAwait(false); }
            catch (Exception ex) when (ex is IOException or OperationCanceledException) { await pipe.Writer.CompleteAsync(ex).ConfigureAwait(false); }
        }, stop.Token);
        try
        {
            HttpResponseMessage response;
            try { response = await client.TransferAsync(request, token).ConfigureAwait(false); }
            catch (CliException ex) when (ex.ExitCode == ExitCodes.Refused && ex.Message.Contains("already exists", StringComparison.Ordinal))
            {
                throw new CliException(ex.ExitCode, ex.Message + " (ccdsvm files put --overwrite)", ex);
            }
            using var _ = response;
            await feeding.ConfigureAwait(false);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token).ConfigureAwait(false));
            var answer = doc.RootElement.Clone();
            string written = Output.Text(answer, "sha256");
            string expected = plan.WholeSha ?? Convert.ToHexStringLower(hash!.GetHashAndReset());
            if (!string.Equals(written, expected, StringComparison.OrdinalIgnoreCase))
                throw new CliException(ExitCodes.TaskFailed, $"the unit wrote {to} with SHA-256 {written}, but the local file hashes to {expected}: upload it again");
            Output.Print(inv, answer, [Column.Of("PATH", "path"), Column.Of("SIZE", "size"), Column.Of("SHA256", "sha256")], r => Output.Text(r, "path"));
            return ExitCodes.Success;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Where a resume starts: the bytes the unit kept of an upload of this very size to this path, or 0 (with a note why).</summary>
    private static async Task<long> ResumeOffsetAsync(Invocation inv, StationClient client, UnitLocation to, long length, CancellationToken token)
    {
        string url = $"api/v1/units/{Uri.EscapeDataString(to.Unit)}/files/partial?path={Uri.EscapeDataString(to.Path)}";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonElement partial;
        // The unit may still be receiving the interrupted upload (it notices the broken connection a moment later).
        while ((partial = await client.GetAsync(url, token).ConfigureAwait(false)).TryGetProperty("receiving", out var busy) && busy.GetBoolean())
        {
            if (waited.Elapsed > BusyWait)
                throw new CliException(ExitCodes.Refused, $"an upload to {to} is still running on the unit after {BusyWait.TotalSeconds:0} s; wait for it to end (or cancel its task), then retry");
            await Task.Delay(TimeSpan.FromMilliseconds(500), token).ConfigureAwait(false);
        }
        long kept = partial.GetProperty("offset").GetInt64(), size = partial.GetProperty("size").GetInt64();
        if (kept > 0 && size == length && kept <= length) return kept;
        inv.Note(kept > 0
            ? $"the unit holds {kept.ToString(CultureInfo.InvariantCulture)} bytes of an upload of {size.ToString(CultureInfo.InvariantCulture)} bytes to {to}, not of this file ({length.ToString(CultureInfo.InvariantCulture)} bytes): starting from the beginning"
            : $"the unit holds nothing of an earlier upload to {to}: starting from the beginning");
        return 0;
    }

    private static async Task<string> HashFileAsync(string file, CancellationToken token)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, token).ConfigureAwait(false));
    }
}
