using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// The browser transfers in flight, by the id their task names; hears the ends of <c>files.*</c> tasks so a
/// request waiting for its lock, or streaming, stops when its task is cancelled or gives up waiting.
/// </summary>
public sealed class BrowserTransfers : IDisposable
{
    private readonly ConcurrentDictionary<string, BrowserTransfer> _open = new(StringComparer.Ordinal);
    private readonly IDisposable _subscription;

    public BrowserTransfers(TaskNotifier notifier) => _subscription = notifier.Subscribe(OnUpdate);

    /// <summary>A new transfer for <paramref name="owner"/>; dispose it when the request ends.</summary>
    public BrowserTransfer Open(string owner)
    {
        var transfer = new BrowserTransfer(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), owner, Close);
        _open[transfer.Id] = transfer;
        return transfer;
    }

    /// <summary>The transfer a task names, only for its owner.</summary>
    internal BrowserTransfer? Find(string? id, string owner) =>
        id is not null && _open.TryGetValue(id, out var t) && t.Owner == owner ? t : null;

    private void Close(BrowserTransfer transfer) => _open.TryRemove(new KeyValuePair<string, BrowserTransfer>(transfer.Id, transfer));

    private void OnUpdate(TaskUpdate update)
    {
        var t = update.Task;
        if (!BrowserTransferKinds.Is(t.Kind) || !TaskStateExtensions.TryParseApi(t.State, out var state) || !state.IsEnded()) return;
        if (t.Parameters is { } p && BrowserTransferKinds.TransferIdOf(t.Kind, p) is { } id && _open.TryGetValue(id, out var transfer)) transfer.TaskEnded();
    }

    public void Dispose() => _subscription.Dispose();
}

/// <summary>Runs <c>files.download</c> / <c>files.upload</c>: lets the waiting request stream, reports its bytes, returns its outcome.</summary>
public sealed class BrowserTransferExecutor(string kind, BrowserTransfers transfers) : IStationExecutor
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    public string Kind { get; } = kind;

    public async Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken)
    {
        if (transfers.Find(BrowserTransferKinds.TransferIdOf(Kind, task.Parameters), task.Owner.Name) is not { } transfer)
            return StationError.BadRequest($"{Kind} runs only while its request streams the file: use {(Kind == TaskKinds.FilesDownload ? "GET" : "PUT")} /api/v1/units/{{id}}/files?path=…, not POST /api/v1/tasks");
        transfer.TaskId = task.Id;
        transfer.Start();
        string verb = Kind == TaskKinds.FilesDownload ? "sent" : "received";
        while (!transfer.Finished.IsCompleted)
        {
            await Task.WhenAny(transfer.Finished, Task.Delay(ReportEvery, cancellationToken)).ConfigureAwait(false);
            long done = transfer.Done, total = transfer.Total;
            task.Progress?.Invoke(total > 0 ? Math.Min(1, (double)done / total) : 0, total > 0 ? $"{verb} {done:N0} of {total:N0} bytes" : $"{verb} {done:N0} bytes");
        }
        return await transfer.Finished.ConfigureAwait(false);
    }
}
