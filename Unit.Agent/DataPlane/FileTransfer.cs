using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Polly;
using Polly.Retry;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Copies one file from a source into a <see cref="PartialFile"/> next to its final name, resuming where an
/// earlier attempt stopped and retrying a lost connection with backoff from the bytes already on disk.
/// </summary>
public sealed class FileTransfer(SourceClient source, TaskContext context, TransferMeter meter, string sourceUnit)
{
    /// <summary>Receive chunk: page-aligned and a multiple of the page, so every full chunk can be written direct.</summary>
    private const int BufferSize = 4 << 20;
    public const int MaxRetries = 5;

    /// <summary>
    /// Receives <paramref name="entry"/> (at <paramref name="sourcePath"/>) into a partial file for
    /// <paramref name="finalPath"/> and returns it with the hash to verify against (null when not verifying).
    /// A cancelled or refused attempt removes the partial file; one that ran out of retries keeps it for a resume.
    /// </summary>
    public async Task<(PartialFile Part, string? ExpectedSha)> ReceiveAsync(string sourcePath, DataEntry entry, string finalPath, bool verify, CancellationToken ct)
    {
        var identity = new PartialIdentity(sourceUnit, sourcePath, entry.Size, entry.MtimeTicks);
        var part = PartialFile.Open(finalPath, identity, rehashProgress: (done, total) =>
            context.Report(meter.TotalBytes > 0 ? (double)meter.DoneBytes / meter.TotalBytes : 0,
                $"re-reading the partial {Path.GetFileName(finalPath)}: {TransferMeter.Size(done)} of {TransferMeter.Size(total)}"), ct: ct);
        if (part.ResumedAt > 0)
        {
            context.Log($"resuming {Path.GetFileName(finalPath)} at {TransferMeter.Size(part.ResumedAt)} of {TransferMeter.Size(entry.Size)}");
            meter.Skip(part.ResumedAt);
        }

        // A fresh start asks for the source's hash once the bytes are in: the source hashed them as it sent them.
        // A resume asks at once, since the source must read the whole file for it.
        using var stopHash = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bool large = verify && entry.Size > DataPlaneRoutes.InlineHashLimit;
        Task<DataHash>? hash = large && part.Offset > 0 ? source.HashAsync(sourcePath, stopHash.Token) : null;
        string? inlineSha = null;
        try
        {
            await Pipeline(part).ExecuteAsync(async token =>
            {
                inlineSha = await PullAsync(sourcePath, entry.Size, part, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            if (large) hash ??= source.HashAsync(sourcePath, stopHash.Token);
            string? expected = !verify ? null : inlineSha ?? (await hash!.ConfigureAwait(false)).Sha256;
            return (part, expected);
        }
        catch (Exception ex)
        {
            await stopHash.CancelAsync().ConfigureAwait(false);
            if (hash is not null) await hash.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            if (ex is HttpRequestException && !ct.IsCancellationRequested)
            {
                part.Suspend();
                part.Dispose();
                throw new TaskFailureException($"the source stayed unreachable after {MaxRetries} retries ({ex.Message}); " +
                    $"{TransferMeter.Size(part.Offset)} are kept in '{part.TempPath}' and a retry of the task resumes there", ex, TaskErrorKind.Unavailable);
            }
            part.Discard();
            part.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Two buffers: while one is hashed and written to the partial file on pool threads, the socket fills the
    /// other, so receiving, hashing and writing overlap.
    /// </summary>
    private async Task<string?> PullAsync(string sourcePath, long size, PartialFile part, CancellationToken ct)
    {
        using var response = await source.OpenAsync(sourcePath, part.Offset, ct).ConfigureAwait(false);
        string? inline = response.Headers.TryGetValues(DataPlaneRoutes.Sha256Header, out var values) ? values.FirstOrDefault() : null;
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var filling = AlignedBuffer.Rent(BufferSize);
        var writing = AlignedBuffer.Rent(BufferSize);
        Task written = Task.CompletedTask;
        try
        {
            while (true)
            {
                int read = await FillAsync(body, filling.Memory, part.Offset, ct).ConfigureAwait(false);
                await written.ConfigureAwait(false);
                if (read == 0) break;
                await meter.AddAsync(read, ct).ConfigureAwait(false);
                (filling, writing) = (writing, filling);
                // Hash and write on a pool thread, so this one goes straight back to the socket.
                var chunk = writing.Memory[..read];
                written = Task.Run(() => part.WriteAsync(chunk, ct).AsTask(), CancellationToken.None);
            }
        }
        catch
        {
            // The write in flight still uses a buffer: let it end before the buffers go back; the first failure is the one reported.
            await written.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
        finally
        {
            filling.Return();
            writing.Return();
        }
        if (part.Offset != size)
            throw new HttpRequestException($"the source's stream ended at {part.Offset:N0} of {size:N0} bytes");
        return inline;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; a broken connection becomes retryable.</summary>
    private static async Task<int> FillAsync(Stream body, Memory<byte> buffer, long offset, CancellationToken ct)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read;
            try { read = await body.ReadAsync(buffer[filled..], ct).ConfigureAwait(false); }
            catch (IOException ex) { throw new HttpRequestException($"the connection to the source broke at {TransferMeter.Size(offset + filled)}: {ex.Message}", ex); }
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    private ResiliencePipeline Pipeline(PartialFile part) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(),
            MaxRetryAttempts = MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            MaxDelay = TimeSpan.FromSeconds(10),
            OnRetry = args =>
            {
                part.Checkpoint();
                context.Log($"{args.Outcome.Exception?.Message}; retry {args.AttemptNumber + 1} of {MaxRetries} in {args.RetryDelay.TotalSeconds:N1} s, resuming at {TransferMeter.Size(part.Offset)}");
                return default;
            },
        })
        .Build();
}
