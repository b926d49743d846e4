using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Where an answer from a mid station below meets the request that waits for it (README, "Layered stations"): a read
/// of a unit below is asked of the mid station over its hub connection with a fresh id, and the mid station PUTs the
/// unit's answer to <see cref="DataPlaneRoutes.AnswersPrefix"/>/{id}. The id is 128 random bits, said only to that
/// station, used once and forgotten when the wait ends. The PUT's body streams on to the waiting caller, one buffer at a
/// time, and the PUT ends when the caller has read it (or gone).
/// </summary>
public sealed class DataRendezvous
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    private sealed class Pending
    {
        public TaskCompletionSource<DataAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>How many answers are being waited for at this moment: every wait removes its own entry when it ends, so this drops back to 0.</summary>
    public int Waiting => _pending.Count;

    /// <summary>A fresh id to give the mid station.</summary>
    public string Open()
    {
        string id = TransferTicket.NewId();
        _pending[id] = new Pending();
        return id;
    }

    /// <summary>Forgets <paramref name="id"/> (the mid station refused at once).</summary>
    public void Close(string id) => _pending.TryRemove(id, out _);

    /// <summary>The answer put for <paramref name="id"/>, or null when none came within <paramref name="timeout"/>.</summary>
    public async Task<DataAnswer?> WaitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(id, out var pending)) return null;
        try
        {
            return await pending.Answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // An answer that came as the wait ended is ended with it; a PUT that comes later finds nothing.
            _pending.TryRemove(id, out _);
            if (pending.Answer.Task.IsCompletedSuccessfully) await pending.Answer.Task.Result.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException) throw;
            return null;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>The PUT of an answer: handed to the waiting caller, and held open until the caller has read its body.</summary>
    public async Task AnswerAsync(HttpContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        string id = c.Request.RouteValues["id"] as string ?? "";
        if (!_pending.TryGetValue(id, out var pending))
        {
            await Results.Problem("no read waits for this answer (it ended, or the id is wrong)", statusCode: 404).ExecuteAsync(c).ConfigureAwait(false);
            return;
        }
        if (!int.TryParse(c.Request.Headers[DataPlaneRoutes.AnswerStatusHeader], out int status) || status is < 200 or > 599)
        {
            await Results.Problem($"the answer has no status in {DataPlaneRoutes.AnswerStatusHeader}", statusCode: 400).ExecuteAsync(c).ConfigureAwait(false);
            return;
        }
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var headers = new List<KeyValuePair<string, string[]>>();
        foreach (var name in DataAnswer.PassedHeaders.Append(DataPlaneRoutes.SessionHeader))
            if (c.Request.Headers[name] is { Count: > 0 } value) headers.Add(new(name, [.. value.Select(v => v ?? "")]));
        var answer = new DataAnswer(status, headers, c.Request.Body, c.Request.ContentLength, () =>
        {
            read.TrySetResult();
            return ValueTask.CompletedTask;
        });
        if (!pending.Answer.TrySetResult(answer))
        {
            await Results.Problem("this answer was given already", statusCode: 409).ExecuteAsync(c).ConfigureAwait(false);
            return;
        }
        try
        {
            await read.Task.WaitAsync(c.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        c.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
