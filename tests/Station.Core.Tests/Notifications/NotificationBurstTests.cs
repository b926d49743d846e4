using System.Diagnostics;
using Ccdsvm.Station.Core.Notifications;
using Xunit.Abstractions;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>A burst of failures (a bulk task's worth) never makes the publisher wait, and is stored in batches.</summary>
[Collection(StoreCollection.Name)]
public sealed class NotificationBurstTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FiveThousandFailures_PostingNeverWaits_AllAreStoredForTheirOwner()
    {
        await using var f = new NotificationFixture();
        const int count = 5000;
        var posting = Stopwatch.StartNew();
        for (int i = 1; i <= count; i++) Assert.True(f.Centre.Post(NotificationFixture.TaskFailed(i)));
        posting.Stop();
        var storing = Stopwatch.StartNew();
        await f.Centre.IdleAsync().WaitAsync(NotificationFixture.Limit);
        storing.Stop();
        output.WriteLine($"posted {count} in {posting.Elapsed.TotalMilliseconds:0} ms; stored in {storing.Elapsed.TotalMilliseconds:0} ms more");

        Assert.True(posting.Elapsed < TimeSpan.FromSeconds(1), $"posting {count} events took {posting.Elapsed}");
        Assert.Equal(Math.Min(count, NotificationCentre.MaxLimit), f.Centre.List(NotificationFixture.Alice, limit: NotificationCentre.MaxLimit).Value!.Items.Count);
        Assert.InRange(f.Centre.Unread(NotificationFixture.Alice), NotificationCentre.KeepPerUser, NotificationCentre.KeepPerUser + 100);
        Assert.Equal(0, f.Centre.Dropped);
    }
}
