using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uploads;
using Ccdsvm.Station.Core.Volumes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>
/// Quota reserved at admission: a volume create or resize that is admitted but not yet ended counts
/// against its owner's quota, decided inside the admission, so concurrent creates cannot both pass; a failed one
/// gives its reservation back.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class VolumeQuotaAdmissionTests
{
    private static EngineHarness Harness() => new(maxTasks: 8, preparer: h => new VolumeQuotas(h.Access,
        new UploadStore(Options.Create(h.Options), Options.Create(new TransferOptions()), TimeProvider.System, NullLogger<UploadStore>.Instance)));

    private static void GiveQuota(EngineHarness h, string user, long mib)
    {
        using (var c = h.Db.Open())
            c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at, quota_mib) VALUES (@user, 'x', 0, '2026-01-01T00:00:00Z', @mib)", new { user, mib });
        h.Access.Reload("test quota");
    }

    private static SubmitTask Create(string name, double sizeMiB, string owner = "alice") =>
        new(TaskKinds.StorageVolumeCreate, "a", EngineHarness.Json(new { sizeMiB, fstype = "ext4", owner, name }));

    [Fact]
    public async Task TwoConcurrentCreates_TogetherOverQuota_ExactlyOneAdmitted()
    {
        using var h = Harness();
        h.Online("a");
        GiveQuota(h, "alice", 40);

        var both = await Task.WhenAll(
            h.Engine.SubmitAsync(Create("one", 24), EngineHarness.Alice),
            h.Engine.SubmitAsync(Create("two", 24), EngineHarness.Alice)).WaitAsync(EngineHarness.Limit);

        Assert.Single(both, o => o.Ok);
        var refused = Assert.Single(both, o => !o.Ok).Error!;
        Assert.Equal(StationErrorKind.Forbidden, refused.Kind);
        Assert.Contains("quota is 40 MiB", refused.Message);
        Assert.Contains("being created", refused.Message);
    }

    [Fact]
    public async Task AdmittedCreate_ReservesUntilItEnds_FailureGivesItBack()
    {
        using var h = Harness();
        h.Online("a");
        GiveQuota(h, "alice", 40);

        var first = await h.SubmitOk(Create("one", 30));
        var second = await h.SubmitRefused(Create("two", 20));
        Assert.Contains("10 MiB left", second.Message);
        // A resize of a volume being created counts it once, at the larger size.
        Assert.NotNull(await h.SubmitRefused(new SubmitTask(TaskKinds.StorageVolumeResize, "a", EngineHarness.Json(new { owner = "alice", name = "one", sizeMiB = 41 }))));

        await h.Engine.OnResultAsync("a", new TaskResult(first.Id, TaskOutcome.Failed, null, "mkfs failed", DateTimeOffset.UtcNow)).WaitAsync(EngineHarness.Limit);
        Assert.Equal("failed", h.View(first.Id).State);
        await h.SubmitOk(Create("two", 20));
    }
}
