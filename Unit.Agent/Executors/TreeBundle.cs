using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// The small files of a tree move (<see cref="DataPlaneRoutes.BundleFileLimit"/> bytes or less) in one stream from the
/// source (<see cref="DataPlaneRoutes.Bundle"/>): each file checked against the listing (path, size, mtime), verified
/// against the SHA-256 the source read, written with its mode and mtime under the hidden temporary tree by a few writer
/// threads (<see cref="TreeWriters"/>, one per directory at a time). A broken connection resumes from the first file not
/// yet written; a file already complete (an earlier attempt) is not written again. One <c>syncfs</c> at the end makes
/// them durable.
/// </summary>
internal sealed class TreeBundle(SourceClient source, TaskContext context, TransferMeter meter, DataMoveParameters request)
{
    public const int MaxRetries = 5;

    /// <summary>Progress (and the bandwidth cap) is counted once per this many bytes handed to the writers, not per file.</summary>
    public const long MeterEvery = 1 << 20;

    /// <summary>How many writer threads (<see cref="TreeWriters"/>) a tree gets; tests may set fewer or more.</summary>
    public int Writers { get; init; } = TreeWriters.DefaultCount;

    private int _next;

    /// <summary>
    /// Receives <paramref name="small"/> (in listing order) into <paramref name="temp"/>, starting at <paramref name="first"/>;
    /// those <paramref name="complete"/> marks (an earlier attempt finished them) are read past, not written.
    /// </summary>
    public async Task ReceiveAsync(IReadOnlyList<DataEntry> small, bool[] complete, string temp, int first, CancellationToken ct)
    {
        _next = first;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await ReceiveFromAsync(small, complete, temp, ct).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !ct.IsCancellationRequested && attempt < MaxRetries)
            {
                var delay = TimeSpan.FromMilliseconds(500 << attempt);
                context.Log($"the stream of small files broke ({ex.Message}); retry {attempt + 1} of {MaxRetries} in {delay.TotalSeconds:N1} s from file {_next + 1:N0} of {small.Count:N0}");
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
        FileSystemSync.Sync(temp);
    }

    private async Task ReceiveFromAsync(IReadOnlyList<DataEntry> small, bool[] complete, string temp, CancellationToken ct)
    {
        using var writers = new TreeWriters(temp, request.Verifies, Writers);
        Exception? broke = null;
        try
        {
            await ReadAsync(small, complete, writers, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            broke = ex;
        }
        // Every file handed to a writer is written before the stream is retried or the move ends: the retry resumes at
        // the first file not written, and a failed move has nothing in flight.
        try
        {
            await writers.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            if (writers.FirstNotWritten is { } first) _next = Math.Min(_next, first);
        }
        // A writer's failure (it stopped the reader) is the one to tell; otherwise the stream's own.
        if (broke is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(broke);
    }

    /// <summary>Reads the stream, checks each file against the listing and hands it to <paramref name="writers"/>; progress once per <see cref="MeterEvery"/> bytes.</summary>
    private async Task ReadAsync(IReadOnlyList<DataEntry> small, bool[] complete, TreeWriters writers, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, writers.Failed);
        var token = linked.Token;
        using var response = await source.OpenBundleAsync(request.Source.Path, _next, token).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using var stream = new BufferedStream(body, 1 << 20);
        byte[] scratch = BundleFormat.NewScratch(), skipped = new byte[DataPlaneRoutes.BundleFileLimit + BundleFormat.HashBytes];
        long unmetered = 0;
        try
        {
            while (true)
            {
                var header = await BundleFormat.ReadHeaderAsync(stream, scratch, token).ConfigureAwait(false);
                if (header is null)
                {
                    if (_next != small.Count) throw Changed($"it sent {_next:N0} of the {small.Count:N0} small files listed");
                    return;
                }
                if (_next >= small.Count) throw Changed($"it sent more than the {small.Count:N0} small files listed");
                var listed = small[_next];
                if (header.Path != listed.Path || header.Size != listed.Size || header.MtimeTicks != listed.MtimeTicks)
                    throw Changed($"'{header.Path}' came where '{listed.Path}' was listed, or changed since");
                int size = (int)header.Size;
                if (complete[_next])
                {
                    await stream.ReadExactlyAsync(skipped.AsMemory(0, size + BundleFormat.HashBytes), token).ConfigureAwait(false);
                }
                else
                {
                    var buffer = await writers.RentAsync(size, token).ConfigureAwait(false);
                    try
                    {
                        await stream.ReadExactlyAsync(buffer.AsMemory(0, size + BundleFormat.HashBytes), token).ConfigureAwait(false);
                    }
                    catch
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                        throw;
                    }
                    writers.Post(_next, listed, buffer);
                    unmetered += size;
                    if (unmetered >= MeterEvery)
                    {
                        meter.CurrentFile = listed.Path;
                        await meter.AddAsync(unmetered, token).ConfigureAwait(false);
                        unmetered = 0;
                    }
                }
                _next++;
            }
        }
        finally
        {
            if (unmetered > 0) meter.Count(unmetered);
        }
    }

    private static TaskFailureException Changed(string what) =>
        TaskFailureException.Conflict($"the source tree changed while it was copied ({what}); the files done are kept and a retry of the task goes on from them");
}
