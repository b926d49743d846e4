using System.Globalization;
using System.Text.Json;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>A browser transfer as a task: admitted into a slot with its lock, streamed while the task holds them.</summary>
public static partial class TransfersApi
{
    /// <summary>The response header naming the transfer's task, for <c>GET /api/v1/tasks/{id}</c>.</summary>
    public const string TaskHeader = "X-Ccdsvm-Task";

    /// <summary>How long a transfer waits for its path's lock before its task gives up (it then ends failed and the request answers 409).</summary>
    private const double LockWaitSeconds = 600;

    /// <summary>
    /// Admits the transfer's task (slot, lock plan, quota, audit), answers its refusal as problem+json, waits for
    /// its locks (cancelling the task when the caller goes away), then lets <paramref name="stream"/> move the bytes
    /// and hands the outcome to the task, which ends succeeded or failed with it. <paramref name="parameters"/> builds the
    /// task's parameters, through its contract, for the transfer's id.
    /// </summary>
    private static async Task RunAsTaskAsync(HttpContext c, string kind, string unit, string path, Func<string, JsonElement> parameters,
        Func<BrowserTransfer, Task<RelayResult>> stream)
    {
        var engine = c.RequestServices.GetRequiredService<TaskEngine>();
        var caller = c.Caller();
        using var transfer = c.RequestServices.GetRequiredService<BrowserTransfers>().Open(caller.Name);
        var submitted = await engine.SubmitAsync(new SubmitTask(kind, unit, parameters(transfer.Id), LockWaitSeconds), caller);
        if (!submitted.Ok)
        {
            await Problems.From(submitted.Error!).ExecuteAsync(c);
            return;
        }
        long id = submitted.Value!.Id;
        c.Response.Headers[TaskHeader] = id.ToString(CultureInfo.InvariantCulture);
        bool started;
        try
        {
            started = await transfer.WaitStartAsync(c.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            await engine.CancelAsync(id, caller);
            return;
        }
        if (!started)
        {
            var ended = engine.View(id);
            await Results.Problem($"task {id} ({kind}) ended before the transfer started: {ended?.Error ?? ended?.State}", statusCode: 409).ExecuteAsync(c);
            return;
        }
        try
        {
            var result = await stream(transfer);
            transfer.Finish(path, result.Status, result.Error);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            string why = transfer.Aborted.IsCancellationRequested ? "the task ended (cancelled)" : $"the connection broke ({ex.Message})";
            transfer.Finish(path, 499, $"{why} after {transfer.Done:N0} bytes");
        }
    }
}
