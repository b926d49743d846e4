using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>
/// A <see cref="NotificationFixture"/> with targets (secrets under data-protection keys in the store's directory), matchers,
/// the delivery workers (retries 10 ms apart) and the router, on <paramref name="clock"/> (the system clock when null).
/// </summary>
internal sealed class DeliveryFixture : IAsyncDisposable
{
    public static readonly Caller Admin = new("root", true);

    public DeliveryFixture(FakeTimeProvider? clock = null)
    {
        N = new NotificationFixture();
        TimeProvider time = clock ?? TimeProvider.System;
        Protection = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(N.Store.Directory, "keys")));
        Targets = new NotificationTargets(N.Store.Db, Protection, time);
        Matchers = new NotificationMatchers(N.Store.Db, Targets, time);
        Workers = new DeliveryWorkers(Targets, Microsoft.Extensions.Options.Options.Create(new NotificationOptions { Retries = 4, RetryDelaySeconds = 0.01, AttemptTimeoutSeconds = 10 }), time);
        Workers.StartAsync(CancellationToken.None).WaitAsync(NotificationFixture.Limit).GetAwaiter().GetResult();
        Router = new NotificationRouter(N.Centre, Matchers, Workers, time);
    }

    public NotificationFixture N { get; }
    public IDataProtectionProvider Protection { get; }
    public NotificationTargets Targets { get; }
    public NotificationMatchers Matchers { get; }
    public DeliveryWorkers Workers { get; }
    public NotificationRouter Router { get; }

    public NotificationTargetView Webhook(string url, string? secret = null, string name = "hook")
    {
        var made = Targets.Create(new NotificationTargetRequest(name, NotificationTargetTypes.Webhook, Url: url, Secret: secret), Admin);
        Assert.True(made.Ok, made.Error?.Message);
        return made.Value!;
    }

    public NotificationMatcherView Matcher(NotificationMatcherRequest request)
    {
        var made = Matchers.Create(request, Admin);
        Assert.True(made.Ok, made.Error?.Message);
        return made.Value!;
    }

    public Task Delivered() => Workers.IdleAsync().WaitAsync(NotificationFixture.Limit);

    public IReadOnlyList<NotificationDeliveryView> Log(long? target = null) => [.. Targets.Deliveries(Admin, target).Value!.Reverse()];

    public async ValueTask DisposeAsync()
    {
        try
        {
            Router.Dispose();
            await Workers.StopAsync(CancellationToken.None).WaitAsync(NotificationFixture.Limit);
            Workers.Dispose();
        }
        finally
        {
            await N.DisposeAsync();
        }
    }
}
