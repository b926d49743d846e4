using System.Threading.Channels;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// Deliveries run here, on workers of their own behind a bounded queue: <see cref="Enqueue"/> never waits (a full queue
/// drops the delivery and logs it), so a slow or failing target never slows a task, an agent's report or the centre.
/// Each delivery is tried through a Polly retry pipeline with exponential backoff; every attempt is a row of the delivery
/// log (<see cref="DeliveryResults"/>).
/// </summary>
public sealed class DeliveryWorkers : IHostedService, IDisposable
{
    private readonly NotificationTargets _targets;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ITargetSender> _senders;
    private readonly ResiliencePipeline<SendResult> _pipeline;
    private readonly Channel<(long TargetId, DeliveryPayload Payload)> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private Task[] _workers = [];
    private long _queued, _done;
    private int _disposed;

    public DeliveryWorkers(NotificationTargets targets, IOptions<NotificationOptions>? options = null, TimeProvider? time = null,
        ILogger<DeliveryWorkers>? logger = null)
    {
        _targets = targets;
        _options = options?.Value ?? new NotificationOptions();
        _clock = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var timeout = TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = timeout }) { Timeout = timeout };
        _senders = new ITargetSender[] { new WebhookSender(_http, _clock), new EmailSender(timeout) }.ToDictionary(s => s.Type, StringComparer.Ordinal);
        _queue = Channel.CreateBounded<(long, DeliveryPayload)>(new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite });
        _pipeline = new ResiliencePipelineBuilder<SendResult> { TimeProvider = _clock }
            .AddRetry(new RetryStrategyOptions<SendResult>
            {
                MaxRetryAttempts = Math.Max(1, _options.Retries),
                Delay = TimeSpan.FromSeconds(_options.RetryDelaySeconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<SendResult>().HandleResult(r => !r.Ok),
            })
            .Build();
    }

    /// <summary>Deliveries dropped because the queue was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Queues a delivery; never waits. False when the queue is full (the delivery is dropped and logged).</summary>
    public bool Enqueue(long targetId, DeliveryPayload payload)
    {
        if (_queue.Writer.TryWrite((targetId, payload)))
        {
            Interlocked.Increment(ref _queued);
            return true;
        }
        Dropped++;
        NotificationLog.DeliveryDropped(_logger, payload.EventType, targetId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return false;
    }

    /// <summary>Waits until every delivery queued so far has ended (delivered or given up); for tests, bounded by the caller.</summary>
    public async Task IdleAsync(CancellationToken cancellationToken = default)
    {
        long target = Interlocked.Read(ref _queued);
        while (Interlocked.Read(ref _done) < target) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var token = _stop.Token;
        _workers = [.. Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => WorkAsync(token), CancellationToken.None))];
        return Task.CompletedTask;
    }

    private async Task WorkAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var (targetId, payload) in _queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                try { await DeliverAsync(targetId, payload, stop).ConfigureAwait(false); }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    // A store error while logging an attempt: this delivery is lost, the next ones still go.
                    NotificationLog.DeliveryFailed(_logger, payload.EventType, targetId.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, ex.Message);
                }
                Interlocked.Increment(ref _done);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    /// <summary>Delivers one payload, trying again as the pipeline says; logs every attempt.</summary>
    internal async Task<bool> DeliverAsync(long targetId, DeliveryPayload payload, CancellationToken cancellationToken)
    {
        if (_targets.Resolve(targetId) is not { Enabled: true } target || !_senders.TryGetValue(target.Type, out var sender)) return false;
        int attempt = 0, last = Math.Max(1, _options.Retries) + 1;
        var result = await _pipeline.ExecuteAsync(async token =>
        {
            attempt++;
            var r = !target.SecretUnreadable
                ? await sender.SendAsync(target, payload, token).ConfigureAwait(false)
                : new SendResult(false, null, "the target's secret cannot be read (the station's data-protection keys changed); save it again");
            Log(target, payload, attempt, r, r.Ok ? DeliveryResults.Delivered : attempt < last ? DeliveryResults.Retrying : DeliveryResults.GaveUp);
            if (!r.Ok) NotificationLog.DeliveryFailed(_logger, payload.EventType, target.Name, attempt, r.Error ?? "");
            return r;
        }, cancellationToken).ConfigureAwait(false);
        return result.Ok;
    }

    private void Log(ResolvedTarget target, DeliveryPayload payload, int attempt, SendResult r, string outcome) =>
        _targets.Store.Log(new DeliveryRow
        {
            At = StoreTime.Format(_clock.GetUtcNow()), TargetId = target.Id, TargetName = target.Name, EventType = payload.EventType, Title = payload.Title,
            Attempt = attempt, Result = outcome, Status = r.Status, Error = r.Error,
        });

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!await _stop.TryCancelAsync().ConfigureAwait(false)) return;
        try { await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false); }
        catch (TimeoutException) { }
        catch (OperationCanceledException) { }
    }

    /// <summary>Disposed once, though the container disposes it twice (as itself and as the hosted service it also is).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        try { Task.WaitAll(_workers, TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
        _stop.Dispose();
        _http.Dispose();
    }
}
